"""Shared contracts, topic names and infrastructure helpers of the apoyo services."""
