"""Wrapped data keys in PostgreSQL (schema `keyring`, shared by every service)."""

from datetime import datetime

import asyncpg

from apoyo_common.db import migrate
from apoyo_common.keyring.keys import StoredKey
from apoyo_common.keyring.kms import Wrapped

SCHEMA = "keyring"

_ADD = """
INSERT INTO keyring.data_keys (process_id, kek_id, wrapped, created_at)
VALUES ($1, $2, $3, $4) ON CONFLICT (process_id) DO NOTHING
"""
_DESTROY = """
UPDATE keyring.data_keys SET kek_id = NULL, wrapped = NULL, destroyed_at = $2
WHERE process_id = $1 AND wrapped IS NOT NULL
"""
_TOMBSTONE = """
INSERT INTO keyring.data_keys (process_id, created_at, destroyed_at)
VALUES ($1, $2, $2) ON CONFLICT (process_id) DO NOTHING
"""
_REPLACE = """
UPDATE keyring.data_keys SET kek_id = $4, wrapped = $5
WHERE process_id = $1 AND kek_id = $2 AND wrapped = $3
"""


def _row(record: asyncpg.Record) -> StoredKey:
    wrapped = record["wrapped"]
    blob = None if wrapped is None else Wrapped(record["kek_id"], bytes(wrapped))
    return StoredKey(record["process_id"], blob, record["destroyed_at"])


class PgDataKeys:
    def __init__(self, pool: asyncpg.Pool) -> None:
        self.pool = pool

    async def ensure_ready(self) -> None:
        await migrate(self.pool, SCHEMA, "apoyo_common.keyring")

    async def find(self, process_id: str) -> StoredKey | None:
        record = await self.pool.fetchrow(
            "SELECT * FROM keyring.data_keys WHERE process_id = $1", process_id
        )
        return None if record is None else _row(record)

    async def add(self, process_id: str, wrapped: Wrapped, at: datetime) -> StoredKey:
        await self.pool.execute(_ADD, process_id, wrapped.kek_id, wrapped.blob, at)
        found = await self.find(process_id)
        assert found is not None
        return found

    async def destroy(self, process_id: str, at: datetime) -> bool:
        async with self.pool.acquire() as conn:
            done: bool = await conn.execute(_DESTROY, process_id, at) == "UPDATE 1"
            await conn.execute(_TOMBSTONE, process_id, at)
            # The old row version held the wrapped key: vacuum it away now, not some day.
            await conn.execute("VACUUM keyring.data_keys")
        return done

    async def all_live(self) -> list[StoredKey]:
        rows = await self.pool.fetch("SELECT * FROM keyring.data_keys WHERE wrapped IS NOT NULL")
        return [_row(r) for r in rows]

    async def replace(self, process_id: str, old: Wrapped, new: Wrapped) -> bool:
        args = (process_id, old.kek_id, old.blob, new.kek_id, new.blob)
        status: str = await self.pool.execute(_REPLACE, *args)
        return status == "UPDATE 1"
