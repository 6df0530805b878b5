"""Adapters of the capture service."""
