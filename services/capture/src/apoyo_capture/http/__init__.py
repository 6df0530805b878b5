"""HTTP layer of the capture service."""
