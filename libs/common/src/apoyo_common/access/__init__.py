"""The access log: an append-only, hash-chained record of every read of personal data or
evidence (who, what, when, why), one chain per service (docs/security.md, "Access log")."""
