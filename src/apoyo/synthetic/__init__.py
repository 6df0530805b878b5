"""Synthetic, generated data for demos and tests: no real person is in it."""
