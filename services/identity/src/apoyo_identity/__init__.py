"""apoyo identity service."""
