"""apoyo capture service."""
