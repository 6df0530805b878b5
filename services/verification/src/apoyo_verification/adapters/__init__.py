"""Adapters of the verification service's ports: in memory and PostgreSQL."""
