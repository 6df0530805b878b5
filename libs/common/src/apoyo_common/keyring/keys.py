"""Where wrapped data keys live: one row per process, with the KEK id that wrapped it.

Destroying a process's key keeps its row as a tombstone (no wrapped key, the time it was
destroyed), so that a late message cannot make a new key and write data again for it.
"""

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Protocol

from apoyo_common.keyring.kms import Wrapped


@dataclass(frozen=True)
class StoredKey:
    process_id: str
    wrapped: Wrapped | None  # None: destroyed
    destroyed_at: datetime | None = None


class DataKeys(Protocol):
    async def ensure_ready(self) -> None: ...

    async def find(self, process_id: str) -> StoredKey | None: ...

    async def add(self, process_id: str, wrapped: Wrapped, at: datetime) -> StoredKey:
        """Store it unless the process has a key (or a tombstone): the one stored wins."""
        ...

    async def destroy(self, process_id: str, at: datetime) -> bool:
        """Drop the wrapped key, keep a tombstone; False when there was no key to destroy."""
        ...

    async def all_live(self) -> list[StoredKey]: ...

    async def replace(self, process_id: str, old: Wrapped, new: Wrapped) -> bool:
        """Swap the wrapping (a KEK rotation) if it is still `old`."""
        ...


class InMemoryDataKeys:
    def __init__(self) -> None:
        self.rows: dict[str, StoredKey] = {}

    async def ensure_ready(self) -> None:
        return None

    async def find(self, process_id: str) -> StoredKey | None:
        return self.rows.get(process_id)

    async def add(self, process_id: str, wrapped: Wrapped, at: datetime) -> StoredKey:
        return self.rows.setdefault(process_id, StoredKey(process_id, wrapped))

    async def destroy(self, process_id: str, at: datetime) -> bool:
        row = self.rows.get(process_id)
        self.rows[process_id] = StoredKey(process_id, None, at)
        return row is not None and row.wrapped is not None

    async def all_live(self) -> list[StoredKey]:
        return [r for r in self.rows.values() if r.wrapped is not None]

    async def replace(self, process_id: str, old: Wrapped, new: Wrapped) -> bool:
        row = self.rows.get(process_id)
        if row is None or row.wrapped != old:
            return False
        self.rows[process_id] = replace(row, wrapped=new)
        return True
