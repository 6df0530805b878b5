"""Encryption at rest to the institute's keys (docs/security.md, "Encryption at rest")."""

from apoyo_common.keyring.envelope import CannotOpen, is_sealed
from apoyo_common.keyring.keyring import DataKeyDestroyed, Keyring
from apoyo_common.keyring.keys import DataKeys, InMemoryDataKeys, StoredKey
from apoyo_common.keyring.kms import Kms, LocalKms, Wrapped, in_memory_kms, key_file_kms

__all__ = [
    "CannotOpen",
    "DataKeyDestroyed",
    "DataKeys",
    "InMemoryDataKeys",
    "Keyring",
    "Kms",
    "LocalKms",
    "StoredKey",
    "Wrapped",
    "in_memory_kms",
    "is_sealed",
    "key_file_kms",
]
