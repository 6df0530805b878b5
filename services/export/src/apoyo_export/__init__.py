"""apoyo export service."""
