"""The purge itself: check, destroy the data key, delete objects and rows, sign the record.

The data key goes first: from that moment every sealed copy of the process's data (a backup,
a replica, an object or row not yet deleted) is unreadable, even if the rest is interrupted;
running it again finishes the deletion. Running services forget the key within their cache
time (`APOYO_KEY_CACHE_S`).
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import asyncpg
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from apoyo.purge.record import purge_record
from apoyo.purge.rows import OBJECT_FOLDERS, aggregates, delete_rows, open_referrals
from apoyo.purge.rules import Standing, check
from apoyo_common.keyring import Keyring
from apoyo_common.processes import ProcessDefinition
from apoyo_common.storage import ListingStore


@dataclass(frozen=True)
class Purge:
    pool: asyncpg.Pool
    store: ListingStore
    keyring: Keyring
    signing_key: Ed25519PrivateKey

    async def run(self, process_id: str, now: datetime) -> dict[str, Any]:
        """The signed record; PurgeRefused (nothing changed) when it may not happen now."""
        definition = check(process_id, await self.standing(process_id), now)
        key_destroyed = await self.keyring.destroy(process_id)
        objects = {f: await self._delete_objects(f"{f}/{process_id}/") for f in OBJECT_FOLDERS}
        async with self.pool.acquire() as conn, conn.transaction():
            rows = await delete_rows(conn, process_id)
        destroyed = {"data_key": key_destroyed, "objects": objects, "rows": rows}
        kept = await aggregates(self.pool, process_id)
        record = purge_record(definition, now, destroyed, kept, self.signing_key)
        await self.pool.execute(
            "INSERT INTO keyring.purges (process_id, purged_at, record) VALUES ($1, $2, $3)",
            process_id,
            now,
            record,
        )
        return record

    async def standing(self, process_id: str) -> Standing:
        row = await self.pool.fetchrow(
            "SELECT definition FROM capture.processes WHERE process_id = $1", process_id
        )
        definition = None if row is None else ProcessDefinition.model_validate(row["definition"])
        purged = await self.pool.fetchval(
            "SELECT purged_at FROM keyring.purges WHERE process_id = $1", process_id
        )
        return Standing(definition, await open_referrals(self.pool, process_id), purged)

    async def _delete_objects(self, prefix: str) -> int:
        keys = await self.store.keys(prefix)
        for key in keys:
            await self.store.delete(key)
        return len(keys)
