"""apoyo verification service."""
