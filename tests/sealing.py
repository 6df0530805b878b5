"""Encryption at rest in tests: a keyring on the test's database, and a look at raw rows."""

import asyncpg

from apoyo_common.keyring import Keyring, in_memory_kms
from apoyo_common.keyring.postgres import PgDataKeys


async def sealed_keyring(pool: asyncpg.Pool) -> Keyring:
    """Data keys in the test's `keyring` schema, wrapped by a fresh in-memory KEK."""
    keys = PgDataKeys(pool)
    await keys.ensure_ready()
    return Keyring(in_memory_kms(), keys)


async def raw_text(pool: asyncpg.Pool, sql: str) -> str:
    """Every value `sql` returns, as text: what someone reading the tables would see."""
    rows = await pool.fetch(sql)
    return " ".join(
        bytes(v).decode("utf-8", "replace") if isinstance(v, bytes) else str(v)
        for row in rows
        for v in row.values()
    )
