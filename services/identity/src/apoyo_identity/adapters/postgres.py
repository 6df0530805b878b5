"""PostgreSQL picture index (schema `identity`).

Hashes are compared by Hamming distance over every earlier picture of the process. That is a
scan per support; a banded index can replace it when processes grow past a few hundred
thousand pictures (noted for the operations issue).
"""

import asyncpg

from apoyo_identity.reuse import REUSE_DISTANCE


def signed(value: int) -> int:
    """A 64-bit hash as PostgreSQL's signed bigint."""
    return value - (1 << 64) if value >= 1 << 63 else value


class PgPictureIndex:
    def __init__(self, pool: asyncpg.Pool) -> None:
        self.pool = pool

    async def record(self, process_id: str, support_id: str, hashes: dict[str, int]) -> None:
        await self.pool.executemany(
            "INSERT INTO identity.picture_hashes (process_id, support_id, kind, phash) "
            "VALUES ($1, $2, $3, $4) ON CONFLICT (support_id, kind) DO NOTHING",
            [(process_id, support_id, kind, signed(value)) for kind, value in hashes.items()],
        )

    async def reused(self, process_id: str, support_id: str, hashes: dict[str, int]) -> bool:
        if not hashes:
            return False
        found = await self.pool.fetchval(
            "SELECT EXISTS (SELECT 1 FROM identity.picture_hashes h, unnest($3::bigint[]) q "
            "WHERE h.process_id = $1 AND h.support_id <> $2 "
            "AND bit_count((h.phash # q)::bit(64)) <= $4)",
            process_id,
            support_id,
            [signed(v) for v in hashes.values()],
            REUSE_DISTANCE,
        )
        return bool(found)
