"""PostgreSQL picture index (schema `identity`).

Each hash's coarse half is stored under its four 16-bit quarters (migration 0003 says why
that finds every picture within the reuse distance), with both halves carried in the index:
the search probes it 68 times per hash and checks both distances on the few candidates,
instead of on every picture of the process. The service asks and records in one statement
for a whole batch of supports (`admit_many`): one round trip per batch instead of five per
support. Admissions to one process are taken one at a time across replicas (an advisory
lock per process): one statement sees the index as it was when it began, so two replicas'
batches admitted at once would each miss the other's pictures, and a picture sent twice to
two replicas at once would be reuse for neither.
"""

from collections.abc import Sequence

import asyncpg

from apoyo_common.db import lock_keys
from apoyo_identity.ports import Admission
from apoyo_identity.reuse import BANDS, REUSE_DISTANCE, bands, coarse, fine

# $1 processes, $2 supports, $3 coarse halves, $4 distance, $5 bands, $6 fine halves, $7 kinds,
# $8 each picture's turn (its support's place in the batch): one row of `q` a picture.
# `found` holds the supports with a picture near one of another support of their process:
# one indexed earlier, or one of a support before them in the batch (not in the index yet).
# Each probe is its own index lookup on (process, band, value): a subquery the planner may
# not merge into the join (OFFSET 0). Merged, it joined the bands on (process, band) alone
# and tested the flipped values on every row of the process's bands, a scan that grew with
# the index: 36.8 ms for a turn of 8 supports in a process of 2,160, 2.6 ms as probes.
_SEARCH = """
WITH q AS (
        SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[], $6::bigint[], $7::text[],
                             $8::integer[]) AS q(process_id, support_id, phash, fine, kind, turn)),
     probe AS (
        SELECT q.process_id, q.support_id, q.phash, q.fine, g.band,
               (((q.phash >> (16 * g.band)) & 65535) # f.flip)::integer AS value
        FROM q, generate_series(0, $5 - 1) AS g(band),
             (SELECT 0 AS flip UNION ALL SELECT 1 << i FROM generate_series(0, 15) AS i) f),
     found AS (
        SELECT probe.support_id FROM probe
        CROSS JOIN LATERAL (
            SELECT b.phash, b.fine FROM identity.picture_bands b
            WHERE b.process_id = probe.process_id AND b.band = probe.band
              AND b.value = probe.value AND b.support_id <> probe.support_id
            OFFSET 0) b
        WHERE bit_count((b.phash # probe.phash)::bit(64)) <= $4
          AND (b.fine IS NULL OR bit_count((b.fine # probe.fine)::bit(64)) <= $4)
        UNION
        SELECT later.support_id FROM q later
        JOIN q earlier ON earlier.process_id = later.process_id AND earlier.turn < later.turn
        WHERE earlier.support_id <> later.support_id
          AND bit_count((earlier.phash # later.phash)::bit(64)) <= $4
          AND bit_count((earlier.fine # later.fine)::bit(64)) <= $4)"""
_NEAR = _SEARCH + "\nSELECT EXISTS (SELECT 1 FROM found)"

# The same search, and the pictures recorded, in one statement: the search sees the index as
# it was before the statement, and skips a support's own pictures anyway (a redelivered
# support gets the same answer).
_ADMIT = (
    _SEARCH
    + """,
     whole AS (
        INSERT INTO identity.picture_hashes (process_id, support_id, kind, phash, fine)
        SELECT process_id, support_id, kind, phash, fine FROM q
        ON CONFLICT (support_id, kind) DO NOTHING),
     parts AS (
        INSERT INTO identity.picture_bands (process_id, band, value, support_id, kind, phash, fine)
        SELECT q.process_id, g.band, ((q.phash >> (16 * g.band)) & 65535)::integer,
               q.support_id, q.kind, q.phash, q.fine
        FROM q, generate_series(0, $5 - 1) AS g(band) ON CONFLICT DO NOTHING)
SELECT DISTINCT support_id FROM found"""
)


# Apart from other schemas' advisory locks on their own keys (verification's citizens).
_LOCK_PREFIX = "identity.picture_index\x1f"


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
        return bool(await self.pool.fetchval(_NEAR, *_pictures([(process_id, support_id, hashes)])))

    async def admit(self, process_id: str, support_id: str, hashes: dict[str, int]) -> bool:
        return (await self.admit_many([(process_id, support_id, hashes)]))[0]

    async def admit_many(self, supports: Sequence[Admission]) -> list[bool]:
        if not any(hashes for _, _, hashes in supports):
            return [False] * len(supports)
        async with self.pool.acquire() as conn, conn.transaction():
            # Locks in one order; the statement after them sees every admission before it
            # (read committed: a statement's snapshot is taken when it starts).
            await lock_keys(conn, [_LOCK_PREFIX + p for p in sorted({p for p, _, _ in supports})])
            rows = await conn.fetch(_ADMIT, *_pictures(supports))
        found = {r["support_id"] for r in rows}
        return [support_id in found for _, support_id, _ in supports]


def _pictures(supports: Sequence[Admission]) -> list[object]:
    """The search's parameters: its pictures column by column, the distance and the bands."""
    rows = [
        (process_id, support_id, *_halves(value), kind, turn)
        for turn, (process_id, support_id, hashes) in enumerate(supports)
        for kind, value in hashes.items()
    ]
    processes, owners, coarses, fines, kinds, turns = (list(c) for c in zip(*rows, strict=True))
    return [processes, owners, coarses, REUSE_DISTANCE, BANDS, fines, kinds, turns]


def _halves(value: int) -> tuple[int, int]:
    """The coarse and the fine half of a hash, as PostgreSQL bigints."""
    return signed(coarse(value)), signed(fine(value))
