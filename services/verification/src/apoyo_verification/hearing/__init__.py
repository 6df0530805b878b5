"""The aspirant's hearing (garantía de audiencia): every support that does not count, with its
reasons and evidence, and a written contest that goes to the review desk (docs/hearing.md)."""
