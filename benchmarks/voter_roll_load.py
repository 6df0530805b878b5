"""Voter-roll load benchmark: `apoyo voter-roll load` against a plain COPY of the same file.

A benchmark, not a test. Writes a synthetic roll of `--rows` rows (apoyo.synthetic), then on
one PostgreSQL server measures, side by side:

- plain COPY: the CSV file streamed by `COPY ... FROM STDIN (FORMAT csv, HEADER)` into an
  unindexed table of the roll's shape (`LIKE roll_template`, the same column types, the cut
  as a default), with no validation: the limit the target is measured against; then the
  roll's lookup indexes built on it, to show what they cost;
- for reference, the same COPY into a table of text columns (no types to convert);
- load: `load_roll` into `PgVoterRoll`, as the command runs it: every row validated, COPY in
  batches, the lookup indexes built, the partition analysed, its cells counted, swapped in.

The issue's target: the load at no less than half the plain COPY's rows per second.
`--runs N` repeats the three side by side N times, on the same file and server, the load
first in every other run; it then prints the range of the ratios and the fastest load
against the fastest plain COPY (on a shared machine, the runs least disturbed).

    .venv/bin/python benchmarks/voter_roll_load.py [--rows 200000] [--runs 1] [--gzip] [--keep FILE]

The server is APOYO_BENCH_DATABASE_URL, else the PostgreSQL of deploy/local/infra.sh; a fresh
database is made on it for the run and dropped after.
"""

import argparse
import asyncio
import gzip
import os
import resource
import tempfile
import time
from collections.abc import Sequence
from datetime import date
from pathlib import Path

import asyncpg

from apoyo.synthetic.people import make_citizens
from apoyo.synthetic.roll import roll_csv
from apoyo_common.db import create_database, create_pool, drop_database, migrate
from apoyo_verification.adapters.postgres import (
    COPY_OPTIONS,
    INDEXES,
    SCHEMA,
    SORT_MEMORY,
    PgVoterRoll,
)
from apoyo_verification.roll.loading import load_roll
from apoyo_verification.roll.rows import COLUMNS, RowError

SERVER = os.environ.get(
    "APOYO_BENCH_DATABASE_URL", "postgresql://apoyo:apoyo@127.0.0.1:55432/apoyo"
)
CUT = date(2026, 8, 31)
CHUNK = 50_000  # citizens generated and written at a time, to keep memory flat


def write_roll(path: Path, rows: int, compress: bool) -> None:
    opener = gzip.open if compress else open
    with opener(path, "wt", encoding="utf-8", newline="") as handle:
        for start in range(0, rows, CHUNK):
            text = roll_csv(make_citizens(min(CHUNK, rows - start), seed=start))
            handle.write(text if start == 0 else text.split("\n", 1)[1])


async def timed_copy(conn: asyncpg.Connection, path: Path, table: str) -> float:
    started = time.perf_counter()
    await conn.copy_to_table(
        table, source=path, columns=COLUMNS, header=True, **COPY_OPTIONS, timeout=3600
    )
    return time.perf_counter() - started


async def plain_copy(pool: asyncpg.Pool, path: Path) -> tuple[float, float, float]:
    """Seconds of the COPY alone, of the COPY plus the roll's lookup indexes, and of the
    COPY into text columns."""
    text_columns = ", ".join(f'{c} text COLLATE "C"' for c in COLUMNS)
    async with pool.acquire() as conn:
        await conn.execute(
            "DROP TABLE IF EXISTS plain_copy, plain_text; "
            f"CREATE TABLE plain_copy (LIKE {SCHEMA}.roll_template INCLUDING DEFAULTS); "
            f"ALTER TABLE plain_copy ALTER COLUMN cut SET DEFAULT DATE '{CUT.isoformat()}'; "
            f"CREATE TABLE plain_text ({text_columns})"
        )
        copied = await timed_copy(conn, path, "plain_copy")
        started = time.perf_counter()
        await conn.execute(f"SET maintenance_work_mem = '{SORT_MEMORY}'")
        for index in INDEXES:
            await conn.execute(f"CREATE INDEX ON plain_copy {index}", timeout=3600)
        indexed = copied + time.perf_counter() - started
        as_text = await timed_copy(conn, path, "plain_text")
        await conn.execute("DROP TABLE plain_copy, plain_text")
        return copied, indexed, as_text


async def apoyo_load(pool: asyncpg.Pool, path: Path) -> tuple[float, int, int]:
    rejected: list[int] = []

    def reject(line: int, errors: list[RowError], fields: Sequence[str] | None) -> None:
        rejected.append(line)

    started, cpu = time.perf_counter(), time.process_time()
    report = await load_roll(PgVoterRoll(pool), path, CUT, reject, skip_invalid=True)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    rows = report.loaded + len(rejected)
    per_row = cpu / rows * 1e6
    print(f"load, CPU of this process       {cpu:>12.1f} s  ({per_row:.2f} µs a row)")
    return seconds, report.loaded, len(rejected)


LOAD, PLAIN, TEXT = "apoyo voter-roll load", "plain COPY", "plain COPY into text columns"


def show(rows: int, figures: dict[str, float]) -> None:
    for label, seconds in figures.items():
        if seconds:
            print(f"{label:<31} {rows / seconds:>12,.0f} rows/s  ({seconds:.1f} s)")
    if figures[PLAIN]:
        ratio = figures[PLAIN] / figures[LOAD]
        verdict = "met" if ratio >= 0.5 else "NOT met"
        print(f"load / plain COPY               {ratio:>12.2f}  (target >= 0.50: {verdict})")
        as_text = figures[TEXT] / figures[LOAD]
        print(f"load / COPY into text columns   {as_text:>12.2f}  (for reference)")


def summary(runs: list[dict[str, float]]) -> None:
    """Over several runs on a shared machine: the range of the ratios, and the fastest load
    against the fastest plain COPY (each the run least disturbed by other work)."""
    if len(runs) < 2 or not runs[0][PLAIN]:
        return
    ratios = sorted(r[PLAIN] / r[LOAD] for r in runs)
    best = min(r[PLAIN] for r in runs) / min(r[LOAD] for r in runs)
    print(f"over {len(runs)} runs: load / plain COPY from {ratios[0]:.2f} to {ratios[-1]:.2f}")
    print(f"fastest load / fastest plain COPY {best:>10.2f}")


async def measure(path: Path, runs: int) -> None:
    dsn = await create_database(SERVER, "bench_roll")
    pool = await create_pool(dsn, 2)
    seen: list[dict[str, float]] = []
    try:
        await migrate(pool, SCHEMA, "apoyo_verification")
        plain = path.suffix != ".gz"  # COPY cannot read gzip
        for run in range(1, runs + 1):
            load = os.getloadavg()[0]
            print(f"run {run}/{runs}, load average {load:.1f} on {os.cpu_count()} cores")
            # Turn about, so that neither side always follows the other's writes (the server
            # flushes them, and checkpoints, while the next measurement runs).
            if run % 2 == 0:
                load_s, loaded, rejected = await apoyo_load(pool, path)
            copy_s, indexed_s, text_s = await plain_copy(pool, path) if plain else (0, 0, 0)
            if run % 2 == 1:
                load_s, loaded, rejected = await apoyo_load(pool, path)
            print(f"rows in file                    {loaded + rejected:>12,}")
            print(f"loaded / rejected               {loaded:>12,} / {rejected:,}")
            seen.append(
                {
                    PLAIN: copy_s,
                    f"plain COPY + {len(INDEXES)} indexes": indexed_s,
                    TEXT: text_s,
                    LOAD: load_s,
                }
            )
            show(loaded + rejected, seen[-1])
    finally:
        await pool.close()
        await drop_database(SERVER, dsn)
    summary(seen)
    # Flat memory: the same peak whatever the number of rows (the load streams the file).
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    print(f"peak memory of this process     {peak:>12,} MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--gzip", action="store_true", help="load a .csv.gz (no plain COPY)")
    parser.add_argument("--keep", type=Path, help="write the roll here, or reuse it if there")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="apoyo-roll-bench-") as folder:
        path = args.keep or Path(folder) / ("roll.csv.gz" if args.gzip else "roll.csv")
        started = time.perf_counter()
        if not path.exists():
            write_roll(path, args.rows, args.gzip)
            print(f"synthetic roll written in {time.perf_counter() - started:.1f} s")
        asyncio.run(measure(path, args.runs))


if __name__ == "__main__":
    main()
