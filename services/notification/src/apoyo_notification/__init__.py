"""apoyo notification service."""
