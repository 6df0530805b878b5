"""Picture-reuse search: the banded index (multi-index hashing) against a scan of the process.

A benchmark, not a test. On the PostgreSQL of deploy/local/infra.sh (or APOYO_BENCH_DATABASE_URL)
it fills a fresh database with `--pictures` random hashes of one process, then times
`PgPictureIndex.reused` (three hashes, as a support's front, back and selfie) and, on the same
rows, the scan it replaced (every hash of the process compared). First, on the empty index of
another process, it times `admit_many` as the identity service calls it (turns of 8 supports,
a front and a back each) while that process grows to `--turns` turns: the first and the last
turns should take about as long (each probe is an index lookup; a plan that scanned the
process's bands grew with them).

    bash deploy/local/infra.sh up
    .venv/bin/python benchmarks/picture_index.py [--pictures 300000] [--turns 270]
"""

import argparse
import asyncio
import os
import random
import statistics
import time

import asyncpg

from apoyo_common.db import create_database, create_pool, drop_database, migrate
from apoyo_identity.adapters.postgres import PgPictureIndex, signed
from apoyo_identity.reuse import REUSE_DISTANCE, bands, coarse, fine

SERVER = os.environ.get(
    "APOYO_BENCH_DATABASE_URL", "postgresql://apoyo:apoyo@127.0.0.1:55432/apoyo"
)
SCAN = (
    "SELECT EXISTS (SELECT 1 FROM identity.picture_hashes h, unnest($3::bigint[], $4::bigint[])"
    " AS q(phash, fine) WHERE h.process_id = $1 AND h.support_id <> $2"
    " AND bit_count((h.phash # q.phash)::bit(64)) <= $5"
    " AND bit_count((h.fine # q.fine)::bit(64)) <= $5)"
)


async def fill(pool: asyncpg.Pool, count: int, r: random.Random) -> None:
    values = [r.getrandbits(128) for _ in range(count)]
    halves = [(signed(coarse(v)), signed(fine(v))) for v in values]
    whole = [("p", f"s{i}", "credential_front", *h) for i, h in enumerate(halves)]
    parts = [
        ("p", band, part, f"s{i}", "credential_front", *halves[i])
        for i, v in enumerate(values)
        for band, part in enumerate(bands(v))
    ]
    async with pool.acquire() as conn:
        await conn.copy_records_to_table("picture_hashes", schema_name="identity", records=whole)
        await conn.copy_records_to_table("picture_bands", schema_name="identity", records=parts)
        await conn.execute("ANALYZE identity.picture_hashes; ANALYZE identity.picture_bands")


async def timed(query: object, rounds: int) -> float:
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        await query()  # type: ignore[operator]
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


async def admissions(index: PgPictureIndex, turns: int, r: random.Random) -> list[float]:
    """Milliseconds of each turn's `admit_many`, on process "q" from empty."""
    times = []
    for turn in range(turns):
        sides = ("credential_front", "credential_back")
        batch = [
            ("q", f"t{turn}-{i}", {side: r.getrandbits(128) for side in sides}) for i in range(8)
        ]
        started = time.perf_counter()
        await index.admit_many(batch)
        times.append((time.perf_counter() - started) * 1000)
    return times


async def main(count: int, turns: int) -> None:
    dsn = await create_database(SERVER, "bench")
    pool = await create_pool(dsn, 4)
    try:
        await migrate(pool, "identity", "apoyo_identity")
        r = random.Random(1)  # noqa: S311 - synthetic hashes
        index = PgPictureIndex(pool)
        took = await admissions(index, turns, r)
        print(f"admissions, turns of 8 supports (2 pictures each), {turns} turns from empty")
        print(f"  first 30 turns: median {statistics.median(took[:30]):.1f} ms a turn")
        print(f"  last 30 turns:  median {statistics.median(took[-30:]):.1f} ms a turn")
        await fill(pool, count, r)
        asks = [[r.getrandbits(128) for _ in range(3)] for _ in range(30)]
        it = iter(asks * 2)

        async def banded() -> None:
            hashes = next(it)
            await index.reused("p", "new", dict(zip(("a", "b", "c"), hashes, strict=True)))

        async def scan() -> None:
            hashes = next(it)
            c, f = [signed(coarse(v)) for v in hashes], [signed(fine(v)) for v in hashes]
            await pool.fetchval(SCAN, "p", "new", c, f, REUSE_DISTANCE)

        print(f"picture-reuse search, {count} pictures in one process, 3 hashes a search")
        print(f"  banded index: median {await timed(banded, 30):.1f} ms")
        print(f"  scan:         median {await timed(scan, 5):.1f} ms")
        print(f"load average {os.getloadavg()[0]:.2f}")
    finally:
        await pool.close()
        await drop_database(SERVER, dsn)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--pictures", type=int, default=300_000)
    parser.add_argument("--turns", type=int, default=270, help="admissions' turns of 8")
    args = parser.parse_args()
    asyncio.run(main(args.pictures, args.turns))
