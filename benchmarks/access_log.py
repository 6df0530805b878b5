"""Access-log benchmark: how fast one service's chain takes entries in PostgreSQL.

A benchmark, not a test. On a fresh database of the server in `APOYO_TEST_DATABASE_URL` (the
project's default otherwise) it appends `--entries` reads one after another (a lone reader:
the latency each read pays), then the same number all at once over a pool of `--pool`
connections (many readers: reads arriving during an append go together in the next
transaction), and prints milliseconds per entry and entries a second, and that the chain
holds.

    .venv/bin/python benchmarks/access_log.py [--entries 500] [--pool 8]
"""

import argparse
import asyncio
import os
import time

from apoyo_common.access.entries import Purpose, Read
from apoyo_common.access.postgres import PgAccessLog
from apoyo_common.access.verify import chain_problems
from apoyo_common.db import create_database, create_pool, drop_database, migrate

SERVER = os.environ.get("APOYO_TEST_DATABASE_URL", "postgresql://apoyo:apoyo@127.0.0.1:55432/apoyo")
READ = Read("ople:bench", "ople", Purpose.REVISION, "review_item", ("s-1",), "p", "a")


async def run(entries: int, size: int) -> None:
    dsn = await create_database(SERVER, "bench")
    pool = await create_pool(dsn, size)
    try:
        await migrate(pool, "capture", "apoyo_capture")
        log = PgAccessLog(pool, "capture")
        started = time.perf_counter()
        for _ in range(entries):
            await log.record(READ)
        alone = time.perf_counter() - started
        started = time.perf_counter()
        await asyncio.gather(*(log.record(READ) for _ in range(entries)))
        together = time.perf_counter() - started
        problems = chain_problems("capture", await log.entries(limit=2 * entries))
        for name, seconds in (("one reader:  ", alone), ("many readers:", together)):
            print(f"{name} {seconds / entries * 1000:.2f} ms an entry, {entries / seconds:.0f}/s")
        print(f"chain: {'holds' if not problems else problems[:3]}")
    finally:
        await pool.close()
        await drop_database(SERVER, dsn)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--entries", type=int, default=500)
    parser.add_argument("--pool", type=int, default=8)
    args = parser.parse_args()
    asyncio.run(run(args.entries, args.pool))


if __name__ == "__main__":
    main()
