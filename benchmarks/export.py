"""Export package: build rate, peak memory, size and verify time for many supports.

A benchmark, not a test. On the PostgreSQL of deploy/local/infra.sh (or
APOYO_BENCH_DATABASE_URL) it fills a fresh database with `--supports` records of one aspirant
(outcome, form, three evidence references), then builds the package with the export
service's own job (records streamed from PostgreSQL by a cursor, images read one at a time
from an object store, the zip streamed to a scratch file, then stored) in a fresh process
whose peak RSS is reported, and verifies the package as `apoyo export verify` does.

The images come from a small pool of generated JPEGs (making 100,000 distinct pictures would
take longer than the build); each is still written as its own file in the zip.

    bash deploy/local/infra.sh up
    .venv/bin/python benchmarks/export.py [--supports 100000]
"""

import argparse
import asyncio
import hashlib
import io
import multiprocessing
import os
import random
import resource
import shutil
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from PIL import Image, ImageDraw

from apoyo_common.db import create_database, create_pool, drop_database, migrate
from apoyo_common.messages import ProcessCells
from apoyo_common.processes import ProcessDefinition
from apoyo_common.storage import LocalFolderStore, ObjectNotFound
from apoyo_export.adapters.postgres import PgProcesses, PgRecords
from apoyo_export.adapters.postgres_jobs import PgJobs
from apoyo_export.exporter import Exporter
from apoyo_export.verify import verify_package

SERVER = os.environ.get(
    "APOYO_BENCH_DATABASE_URL", "postgresql://apoyo:apoyo@127.0.0.1:55432/apoyo"
)
KINDS = ("credential_front", "credential_back", "signature")
POOL = 12  # pictures per kind
BATCH = 5000
TARGET_RSS_MB, TARGET_VERIFY_S = 300, 60
T0 = datetime(2026, 12, 20, 17, 0, tzinfo=UTC)
KEY = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
PROCESS = ProcessDefinition.model_validate(
    {
        "id": "bench", "name": "Banco de pruebas", "office": "GUBERNATURA",
        "territory": {"entidad": "26"}, "cut": "2026-08-31", "threshold_pct": 3.0,
        "capture": {"start": "2026-12-15T00:00:00-07:00", "end": "2027-01-23T23:59:59-07:00"},
        "aspirants": [{"id": "asp-01", "name": "Uno"}],
    }
)  # fmt: skip
CELLS = ProcessCells(
    process_id="bench", cut=PROCESS.cut, ln_total=2_200_000, computed_at=datetime.now(UTC)
)


RECORDS = (
    "INSERT INTO export.records (support_id, process_id, aspirant_id, status, received_at, "
    "record_sha256, output, exported_at, notified_at, outcome) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
)
CAPTURED = (
    "INSERT INTO export.captured (support_id, form, evidence, certificate) VALUES ($1, $2, $3, $4)"
)


def picture(kind: str, index: int) -> bytes:
    """A card-sized JPEG of random shapes: enough detail to weigh as a small photo."""
    r = random.Random(f"{kind}-{index}")  # noqa: S311 (pictures, not secrets)
    image = Image.new("RGB", (640, 400), (r.randrange(256), 200, 180))
    draw = ImageDraw.Draw(image)
    for _ in range(150):
        x, y = r.randrange(640), r.randrange(400)
        colour = (r.randrange(256), r.randrange(256), r.randrange(256))
        draw.rectangle((x, y, x + r.randrange(60), y + r.randrange(30)), fill=colour)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=75)
    return out.getvalue()


def pictures() -> dict[str, list[bytes]]:
    return {kind: [picture(kind, i) for i in range(POOL)] for kind in KINDS}


class PoolStore(LocalFolderStore):
    """Evidence keys `evidence/…/<kind>/<n>.jpg` read from the pool (certificates are in the
    captured rows, as `support.captured` version 2 brings them); the package itself is stored
    in a real folder."""

    def __init__(self, root: Path) -> None:
        super().__init__(root)
        self.pool = pictures()

    async def get(self, key: str) -> bytes:
        if key.startswith("evidence/"):
            kind, name = key.split("/")[-2:]
            return self.pool[kind][int(name.split(".")[0]) % POOL]
        raise ObjectNotFound(key)


def batch(start: int, end: int, pool: dict[str, list[bytes]]) -> tuple[list[Any], list[Any]]:
    records, captured = [], []
    for i in range(start, end):
        sid = f"s{i:07d}"
        status = "EN_LISTA_NOMINAL" if i % 4 else "NO_ENCONTRADO"
        received = T0 + timedelta(seconds=i)
        outcome = {"channel": "AUXILIAR", "reasons": []}
        records.append(
            (sid, "bench", "asp-01", status, received, "0" * 64, outcome, T0, T0, outcome)
        )
        evidence = [
            {
                "kind": kind, "object_key": f"evidence/bench/{sid}/{kind}/{i}.jpg",
                "sha256": hashlib.sha256(pool[kind][i % POOL]).hexdigest(),
                "bytes": len(pool[kind][i % POOL]), "content_type": "image/jpeg",
            }
            for kind in KINDS
        ]  # fmt: skip
        form = {"nombre": f"NOMBRE {i}", "apellido_paterno": "LUNA", "seccion": "0123"}
        captured.append((sid, form, evidence, b'{"certificate":"%s"}' % sid.encode()))
    return records, captured


async def fill(dsn: str, supports: int) -> None:
    pool, images = await create_pool(dsn, 2), pictures()
    try:
        await migrate(pool, "export", "apoyo_export")
        await PgProcesses(pool).save(PROCESS)
        # What verification announces on `process.cells`: without it export will not build
        # the summary, and the job waits (CellsMissing).
        await PgProcesses(pool).save_cells(CELLS)
        async with pool.acquire() as conn:
            for start in range(0, supports, BATCH):
                records, captured = batch(start, min(supports, start + BATCH), images)
                await conn.executemany(RECORDS, records)
                await conn.executemany(CAPTURED, captured)
            await conn.execute("ANALYZE export.records; ANALYZE export.captured")
    finally:
        await pool.close()


async def build(dsn: str, folder: str) -> tuple[str, float]:
    pool = await create_pool(dsn, 2)
    try:
        store = PoolStore(Path(folder) / "objects")
        jobs = PgJobs(pool)
        exporter = Exporter(
            jobs, PgRecords(pool), PgProcesses(pool), store, KEY, lambda: datetime.now(UTC),
            workdir=Path(folder),
        )  # fmt: skip
        job = await exporter.request("bench", "asp-01", "bench")
        started = time.monotonic()
        await exporter.run_once()
        seconds = time.monotonic() - started
        done = await jobs.get(job.export_id)
        assert done is not None and done.package is not None, done
        return str(Path(folder) / "objects" / done.package.key), seconds
    finally:
        await pool.close()


def build_child(dsn: str, folder: str, answer: Any) -> None:
    answer.send(asyncio.run(build(dsn, folder)))


def measured_build(dsn: str, folder: str) -> tuple[Path, float, float]:
    """Built in a fresh process, so its peak RSS is the build's alone."""
    context = multiprocessing.get_context("spawn")
    receive, send = context.Pipe(duplex=False)
    child = context.Process(target=build_child, args=(dsn, folder, send))
    child.start()
    send.close()  # the child's end only: a child that fails ends recv with EOFError, no hang
    path, seconds = receive.recv()
    child.join()
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return Path(path), seconds, peak_mb


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--supports", type=int, default=100_000)
    args = parser.parse_args()
    dsn = asyncio.run(create_database(SERVER, "bench_export"))
    folder = tempfile.mkdtemp(prefix="apoyo-bench-export-")
    try:
        started = time.monotonic()
        asyncio.run(fill(dsn, args.supports))
        print(f"records filled: {args.supports} in {time.monotonic() - started:.1f} s", flush=True)
        path, seconds, peak_mb = measured_build(dsn, folder)
        size_mb = path.stat().st_size / 1e6
        print(f"build: {args.supports / seconds:.0f} supports/s ({seconds:.1f} s)")
        print(f"build peak RSS: {peak_mb:.0f} MB (target < {TARGET_RSS_MB} MB)")
        print(f"package: {size_mb:.0f} MB, {args.supports * 4 + 7} files")
        started = time.monotonic()
        verdict = verify_package(path, KEY.public_key())
        verify_s = time.monotonic() - started
        print(f"verify: {verify_s:.1f} s (target < {TARGET_VERIFY_S} s): "
              f"{verdict.summary() if verdict.ok else verdict.problems[:5]}")  # fmt: skip
        load = ", ".join(f"{n:.1f}" for n in os.getloadavg())
        print(f"load average (1, 5, 15 min) on {os.cpu_count()} cores: {load}")
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        asyncio.run(drop_database(SERVER, dsn))


if __name__ == "__main__":
    main()
