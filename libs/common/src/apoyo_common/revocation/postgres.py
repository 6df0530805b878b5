"""Revoked tokens in PostgreSQL (schema `tokens`, shared by every service)."""

import asyncpg

from apoyo_common.db import migrate
from apoyo_common.revocation import Revocation

SCHEMA = "tokens"
_ADD = """
INSERT INTO tokens.revoked (kind, value, revoked_at, revoked_by, reason)
VALUES ($1, $2, $3, $4, $5) ON CONFLICT (kind, value) DO NOTHING
"""


class PgRevoked:
    def __init__(self, pool: asyncpg.Pool) -> None:
        self.pool = pool

    async def ensure_ready(self) -> None:
        await migrate(self.pool, SCHEMA, "apoyo_common.revocation")

    async def add(self, revocation: Revocation) -> bool:
        r = revocation
        done = await self.pool.execute(_ADD, r.kind, r.value, r.revoked_at, r.revoked_by, r.reason)
        return bool(done == "INSERT 0 1")

    async def all(self) -> set[tuple[str, str]]:
        rows = await self.pool.fetch("SELECT kind, value FROM tokens.revoked")
        return {(r["kind"], r["value"]) for r in rows}
