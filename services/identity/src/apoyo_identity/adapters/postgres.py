"""PostgreSQL picture index (schema `identity`).

Each hash's coarse half is stored under its four 16-bit quarters (migration 0003 says why
that finds every picture within the reuse distance), with both halves carried in the index:
the search probes it 68 times per hash and checks both distances on the few candidates,
instead of on every picture of the process. The service asks and records in one statement
(`admit`): one round trip per support instead of five.
"""

import asyncpg

from apoyo_identity.reuse import BANDS, REUSE_DISTANCE, bands, coarse, fine

# $1 process, $2 support, $3 coarse halves, $4 distance, $5 bands, $6 fine halves.
_PROBES = """
     probe AS (
        SELECT q.phash, q.fine, g.band,
               (((q.phash >> (16 * g.band)) & 65535) # f.flip)::integer AS value
        FROM q, generate_series(0, $5 - 1) AS g(band),
             (SELECT 0 AS flip UNION ALL SELECT 1 << i FROM generate_series(0, 15) AS i) f)"""
_FOUND = """
SELECT EXISTS (
    SELECT 1 FROM probe
    JOIN identity.picture_bands b
      ON b.process_id = $1 AND b.band = probe.band AND b.value = probe.value
    WHERE b.support_id <> $2 AND bit_count((b.phash # probe.phash)::bit(64)) <= $4
      AND (b.fine IS NULL OR bit_count((b.fine # probe.fine)::bit(64)) <= $4))
"""
_NEAR = (
    "WITH q AS (SELECT * FROM unnest($3::bigint[], $6::bigint[]) AS q(phash, fine)),"
    + _PROBES
    + _FOUND
)

# The same search, and the pictures recorded ($7: their kinds), in one statement: the search
# sees the index as it was before the statement, and skips the support's own pictures anyway
# (a redelivered support gets the same answer).
_ADMIT = (
    "WITH q AS (SELECT * FROM unnest($3::bigint[], $6::bigint[], $7::text[])"
    " AS q(phash, fine, kind)),"
    + _PROBES
    + """,
     whole AS (
        INSERT INTO identity.picture_hashes (process_id, support_id, kind, phash, fine)
        SELECT $1, $2, kind, phash, fine FROM q ON CONFLICT (support_id, kind) DO NOTHING),
     parts AS (
        INSERT INTO identity.picture_bands (process_id, band, value, support_id, kind, phash, fine)
        SELECT $1, g.band, ((q.phash >> (16 * g.band)) & 65535)::integer, $2, q.kind, q.phash,
               q.fine
        FROM q, generate_series(0, $5 - 1) AS g(band) ON CONFLICT DO NOTHING)"""
    + _FOUND
)


def signed(value: int) -> int:
    """A 64-bit hash as PostgreSQL's signed bigint."""
    return value - (1 << 64) if value >= 1 << 63 else value


class PgPictureIndex:
    def __init__(self, pool: asyncpg.Pool) -> None:
        self.pool = pool

    async def record(self, process_id: str, support_id: str, hashes: dict[str, int]) -> None:
        whole = [(process_id, support_id, kind, *_halves(value)) for kind, value in hashes.items()]
        parts = [
            (process_id, band, part, support_id, kind, *_halves(value))
            for kind, value in hashes.items()
            for band, part in enumerate(bands(value))
        ]
        async with self.pool.acquire() as conn, conn.transaction():
            await conn.executemany(
                "INSERT INTO identity.picture_hashes (process_id, support_id, kind, phash, fine) "
                "VALUES ($1, $2, $3, $4, $5) ON CONFLICT (support_id, kind) DO NOTHING",
                whole,
            )
            await conn.executemany(
                "INSERT INTO identity.picture_bands "
                "(process_id, band, value, support_id, kind, phash, fine) "
                "VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING",
                parts,
            )

    async def reused(self, process_id: str, support_id: str, hashes: dict[str, int]) -> bool:
        if not hashes:
            return False
        halves = [_halves(v) for v in hashes.values()]
        found = await self.pool.fetchval(
            _NEAR,
            process_id,
            support_id,
            [c for c, _ in halves],
            REUSE_DISTANCE,
            BANDS,
            [f for _, f in halves],
        )
        return bool(found)

    async def admit(self, process_id: str, support_id: str, hashes: dict[str, int]) -> bool:
        if not hashes:
            return False
        halves = [_halves(v) for v in hashes.values()]
        found = await self.pool.fetchval(
            _ADMIT,
            process_id,
            support_id,
            [c for c, _ in halves],
            REUSE_DISTANCE,
            BANDS,
            [f for _, f in halves],
            list(hashes),
        )
        return bool(found)


def _halves(value: int) -> tuple[int, int]:
    """The coarse and the fine half of a hash, as PostgreSQL bigints."""
    return signed(coarse(value)), signed(fine(value))
