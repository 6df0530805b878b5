"""A citizen's "was it me?": the supports registered under their clave de elector, seen with a
receipt code or a one-time e-mailed code, and "I did not give this support" sent to the desk
(docs/hearing.md)."""
