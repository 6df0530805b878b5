"""Voter-roll load benchmark: `apoyo voter-roll load` against a plain COPY of the same file.

A benchmark, not a test. Writes a synthetic roll of `--rows` rows (apoyo.synthetic), then on
one PostgreSQL server measures, side by side:

- plain COPY: the CSV file streamed into an unindexed table of text columns by
  `COPY ... FROM STDIN (FORMAT csv, HEADER)`, no validation (the limit); then the same
  plus the roll's two lookup indexes built afterwards, to show what the indexes cost;
- load: `load_roll` into `PgVoterRoll`, as the command runs it: every row validated, COPY in
  batches, both lookup indexes built, the partition analysed and swapped in.

The issue's target: the load at no less than half the plain COPY's rows per second.

    .venv/bin/python benchmarks/voter_roll_load.py [--rows 200000] [--gzip] [--keep FILE]

The server is APOYO_BENCH_DATABASE_URL, else an embedded one in a temporary directory.
"""

import argparse
import asyncio
import gzip
import os
import tempfile
import time
from collections.abc import Sequence
from datetime import date
from pathlib import Path

import asyncpg

from apoyo.synthetic.people import make_citizens
from apoyo.synthetic.roll import roll_csv
from apoyo_common.db import create_pool, migrate
from apoyo_common.embedded_postgres import EmbeddedPostgres
from apoyo_verification.adapters.postgres import PgVoterRoll
from apoyo_verification.roll.loading import load_roll
from apoyo_verification.roll.rows import COLUMNS, RowError

CUT = date(2026, 8, 31)
CHUNK = 50_000  # citizens generated and written at a time, to keep memory flat


def write_roll(path: Path, rows: int, compress: bool) -> None:
    opener = gzip.open if compress else open
    with opener(path, "wt", encoding="utf-8", newline="") as handle:
        for start in range(0, rows, CHUNK):
            text = roll_csv(make_citizens(min(CHUNK, rows - start), seed=start))
            handle.write(text if start == 0 else text.split("\n", 1)[1])


async def plain_copy(pool: asyncpg.Pool, path: Path) -> tuple[float, float]:
    """Seconds of the COPY alone, and of the COPY plus the roll's two lookup indexes."""
    columns = ", ".join(f'{c} text COLLATE "C"' for c in COLUMNS)
    async with pool.acquire() as conn:
        await conn.execute(f"DROP TABLE IF EXISTS plain_copy; CREATE TABLE plain_copy ({columns})")
        started = time.perf_counter()
        await conn.copy_to_table("plain_copy", source=path, format="csv", header=True, timeout=3600)
        copied = time.perf_counter() - started
        await conn.execute("SET maintenance_work_mem = '256MB'")
        for index in ("(cic, identificador)", "(clave_elector, emision, seccion, identificador)"):
            await conn.execute(f"CREATE INDEX ON plain_copy {index}", timeout=3600)
        return copied, time.perf_counter() - started


async def apoyo_load(pool: asyncpg.Pool, path: Path) -> tuple[float, int, int]:
    rejected: list[int] = []

    def reject(line: int, errors: list[RowError], fields: Sequence[str] | None) -> None:
        rejected.append(line)

    started = time.perf_counter()
    report = await load_roll(PgVoterRoll(pool), path, CUT, reject, skip_invalid=True)
    return time.perf_counter() - started, report.loaded, len(rejected)


async def measure(dsn: str, path: Path) -> None:
    pool = await create_pool(dsn, 2)
    try:
        await migrate(pool, "verification", "apoyo_verification")
        copy_s, indexed_s = await plain_copy(pool, path) if path.suffix != ".gz" else (0, 0)
        load_s, loaded, rejected = await apoyo_load(pool, path)
    finally:
        await pool.close()
    rows = loaded + rejected
    print(f"rows in file                {rows:>12,}")
    for label, seconds in (
        ("plain COPY", copy_s),
        ("plain COPY + 2 indexes", indexed_s),
        ("apoyo voter-roll load", load_s),
    ):
        if seconds:
            print(f"{label:<27} {rows / seconds:>12,.0f} rows/s  ({seconds:.1f} s)")
    print(f"loaded / rejected           {loaded:>12,} / {rejected:,}")
    if copy_s:
        ratio, verdict = copy_s / load_s, "met" if copy_s / load_s >= 0.5 else "NOT met"
        print(f"load / plain COPY           {ratio:>12.2f}  (target >= 0.50: {verdict})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--gzip", action="store_true", help="load a .csv.gz (no plain COPY)")
    parser.add_argument("--keep", type=Path, help="write the roll here, or reuse it if there")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="apoyo-roll-bench-") as folder:
        Path(folder).chmod(0o755)  # as root, the embedded server runs as `nobody`
        path = args.keep or Path(folder) / ("roll.csv.gz" if args.gzip else "roll.csv")
        started = time.perf_counter()
        if not path.exists():
            write_roll(path, args.rows, args.gzip)
            print(f"synthetic roll written in {time.perf_counter() - started:.1f} s")
        dsn = os.environ.get("APOYO_BENCH_DATABASE_URL")
        server = None if dsn else EmbeddedPostgres(Path(folder) / "pg")
        try:
            asyncio.run(measure(dsn or server.start(), path))  # type: ignore[union-attr]
        finally:
            if server is not None:
                server.stop()


if __name__ == "__main__":
    main()
