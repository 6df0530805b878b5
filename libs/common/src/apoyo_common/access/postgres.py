"""The access log in a service's PostgreSQL schema (table `access_log`, migration
`access_log.sql` copied into each service's migrations).

Appends are serialized per schema by a transaction-scoped advisory lock, so each entry is
chained to the one committed before it; `prev` is UNIQUE, so even without the lock two
entries could never share a predecessor (the chain cannot fork, only refuse). A trigger
refuses UPDATE, DELETE and TRUNCATE.

Reads that arrive while an append is under way wait and go together in the next transaction
(one lock, one commit for all of them): each caller still gets its entry only once it is
committed, and a failure reaches every caller of that batch.
"""

import asyncio
import hashlib
from collections.abc import Callable
from datetime import UTC, datetime
from importlib import resources

import asyncpg

from apoyo_common.access.entries import GENESIS, Entry, Read, entry_of, next_entry

BATCH = 500  # entries one transaction appends at most
COLUMNS = "seq, at, subject, role, purpose, kind, support_ids, process_id, aspirant_id, chain"


def migration_sql() -> str:
    """The table, its indexes and its append-only triggers: each service's migration holds
    exactly this text (a unit test compares them)."""
    return resources.files("apoyo_common.access").joinpath("access_log.sql").read_text("utf-8")


def _now() -> datetime:
    return datetime.now(UTC)


class PgAccessLog:
    def __init__(
        self, pool: asyncpg.Pool, schema: str, clock: Callable[[], datetime] = _now
    ) -> None:
        self.pool, self.clock = pool, clock
        self.table = f'"{schema}".access_log'
        digest = hashlib.sha256(f"access_log:{schema}".encode()).digest()
        self.lock_id = int.from_bytes(digest[:7], "big")
        self._waiting: list[tuple[Read, asyncio.Future[Entry]]] = []
        self._appender: asyncio.Task[None] | None = None

    async def record(self, read: Read) -> Entry:
        future: asyncio.Future[Entry] = asyncio.get_running_loop().create_future()
        self._waiting.append((read, future))
        if self._appender is None or self._appender.done():
            self._appender = asyncio.create_task(self._append_waiting())
        return await future

    async def _append_waiting(self) -> None:
        while self._waiting:
            batch, self._waiting = self._waiting[:BATCH], self._waiting[BATCH:]
            try:
                entries = await self._append([read for read, _ in batch])
            except Exception as error:
                for _, future in batch:
                    if not future.done():
                        future.set_exception(error)
                continue
            for (_, future), entry in zip(batch, entries, strict=True):
                if not future.done():
                    future.set_result(entry)

    async def _append(self, reads: list[Read]) -> list[Entry]:
        async with self.pool.acquire() as conn, conn.transaction():
            await conn.execute("SELECT pg_advisory_xact_lock($1)", self.lock_id)
            row = await conn.fetchrow(
                f"SELECT {COLUMNS} FROM {self.table} ORDER BY seq DESC LIMIT 1"
            )
            last = None if row is None else entry_of(dict(row))
            rows, entries, at = [], [], self.clock()
            for read in reads:
                previous = GENESIS if last is None else last.chain
                last = next_entry(last, at, read)
                entries.append(last)
                rows.append((
                    last.seq, at, read.subject, read.role, read.purpose.value, read.kind,
                    list(read.support_ids), read.process_id, read.aspirant_id, last.chain,
                    previous,
                ))  # fmt: skip
            await conn.executemany(
                f"INSERT INTO {self.table} ({COLUMNS}, prev) "
                "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
                rows,
            )
        return entries

    async def entries(self, after: int = 0, limit: int = 1000) -> list[Entry]:
        rows = await self.pool.fetch(
            f"SELECT {COLUMNS} FROM {self.table} WHERE seq > $1 ORDER BY seq LIMIT $2",
            after,
            limit,
        )
        return [entry_of(dict(row)) for row in rows]
