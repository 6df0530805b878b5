"""Credential rules shared by services: CURP and clave de elector, as pure functions.

Copied from identity's rules so that verification can validate a voter roll without
depending on the identity service; identity is to import these instead of its copies.
"""
