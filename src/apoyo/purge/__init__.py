"""`apoyo process purge`: a process's personal data destroyed when its retention ends
(docs/security.md, "Retention and purge")."""
