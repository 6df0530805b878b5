"""Computer vision of the credential: MRZ, barcodes, evidence checks."""
