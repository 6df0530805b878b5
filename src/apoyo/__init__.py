"""The `apoyo` command: embedded runs, single services, administration, the demo."""
