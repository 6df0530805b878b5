"""Adapters of the identity service."""
