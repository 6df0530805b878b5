"""Portal lists: answer times of the list routes the portal pages call, with a million supports.

A benchmark, not a test. On the PostgreSQL of deploy/local/infra.sh (or
APOYO_BENCH_DATABASE_URL) it makes a fresh database, migrates every service as `serve all`
does, and fills capture's `supports` with `--supports` synthetic rows of one aspirant (and a
tenth as many of another) in one INSERT ... SELECT over generate_series: statuses, reasons,
channels, auxiliaries and reception times spread as a month of capture would. Then each named
request below goes through the whole HTTP app in process (routing, token, SQL, JSON, access
log), `--repeat` times after a warm-up, and the median and p95 print beside the 200 ms target.

`requests()` returns a list of named requests: add another page's list as one more entry, with
the rows it needs added in `fill`. The review desk's and the overview's requests (an `ople`
token) run after them over verification's rows for the same supports, a desk backlog and the
decisions already made, which benchmarks/desk_fill.py adds.

    bash deploy/local/infra.sh up
    .venv/bin/python benchmarks/portal_lists.py [--supports 1000000] [--repeat 30]
"""

import argparse
import asyncio
import contextlib
import os
import statistics
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import asyncpg
import httpx
from desk_fill import deep_queue_key, desk_requests, fill_desk
from faststream.kafka import KafkaBroker
from pydantic import SecretStr

from apoyo.services import build_all
from apoyo_capture.adapters.postgres import PgCaptureRepository
from apoyo_common.codes import Role
from apoyo_common.db import create_database, create_pool, drop_database
from apoyo_common.paging import Cursor
from apoyo_common.processes import ProcessDefinition
from apoyo_common.runtime import Infrastructure, ServiceUnit, prepare, stop_units
from apoyo_common.server import build_app
from apoyo_common.settings import Settings
from apoyo_common.storage import LocalFolderStore
from apoyo_common.tokens import Principal, issue

SERVER = os.environ.get(
    "APOYO_BENCH_DATABASE_URL", "postgresql://apoyo:apoyo@127.0.0.1:55432/apoyo"
)
SECRET = "portal-benchmark-secret-of-at-least-32-bytes"  # noqa: S105 (a synthetic token key)
TARGET_MS = 200
T0 = datetime(2026, 12, 15, 7, 0, tzinfo=UTC)
SUPPORTS = "/v1/processes/bench/aspirants/asp-01/supports"
PROCESS = ProcessDefinition.model_validate(
    {
        "id": "bench", "name": "Banco de pruebas", "office": "GUBERNATURA",
        "territory": {"entidad": "26"}, "cut": "2026-08-31", "threshold_pct": 3.0,
        "capture": {"start": "2026-12-15T00:00:00-07:00", "end": "2027-01-23T23:59:59-07:00"},
        "aspirants": [{"id": "asp-01", "name": "Uno"}, {"id": "asp-02", "name": "Dos"}],
    }
)  # fmt: skip

# Row n of an aspirant: received 2.5 s after row n-1 (a million span about 29 days); one
# auxiliary of 400 each; status and reasons by n's remainder, in the shares a process sees.
FILL = """
INSERT INTO capture.supports (support_id, process_id, aspirant_id, channel, captured_by,
    status, reasons, received_at, updated_at, event)
SELECT md5($2 || n::text)::uuid::text, 'bench', $2,
    CASE WHEN n % 10 = 0 THEN 'CEDULA_PAPEL' WHEN n % 10 = 1 THEN 'AUTOSERVICIO'
         ELSE 'AUXILIAR' END,
    'aux:' || (n % 400)::text,
    CASE WHEN n % 100 < 72 THEN 'EN_LISTA_NOMINAL' WHEN n % 100 < 78 THEN 'RECIBIDO'
         WHEN n % 100 < 80 THEN 'PENDIENTE_REVISION' WHEN n % 100 < 86 THEN 'NO_ENCONTRADO'
         WHEN n % 100 < 90 THEN 'DUPLICADO_MISMO_ASPIRANTE' WHEN n % 100 < 93 THEN 'FUERA_AMBITO'
         WHEN n % 100 < 95 THEN 'EN_PADRON_NO_LN' ELSE 'INCONSISTENCIA' END,
    CASE WHEN n % 100 >= 95 AND n % 1000 < 990 THEN '["FOTOCOPIA"]'::jsonb
         WHEN n % 100 >= 95 THEN '["SIN_FIRMA", "FOTOCOPIA"]'::jsonb
         ELSE '[]'::jsonb END,
    $3::timestamptz + n * interval '2.5 seconds',
    $3::timestamptz + n * interval '2.5 seconds' + interval '1 hour',
    '{}'::jsonb
FROM generate_series($1::int, $4::int) AS n
"""
# The per-subject counts capture keeps as it stores supports (migration 0004), made at once.
COUNTS = """
INSERT INTO capture.captured_counts
SELECT process_id, aspirant_id, captured_by, count(*),
    count(*) FILTER (WHERE status NOT IN ('RECIBIDO', 'PENDIENTE_REVISION')),
    count(*) FILTER (WHERE status NOT IN ('RECIBIDO', 'PENDIENTE_REVISION', 'EN_LISTA_NOMINAL'))
FROM capture.supports GROUP BY process_id, aspirant_id, captured_by
"""
CHUNK = 100_000
INDEXES = (
    "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'capture' "
    "AND tablename = 'supports' AND indexname <> 'supports_pkey'"
)


@dataclass(frozen=True)
class Named:
    name: str
    path: str
    params: dict[str, str]


def requests(deep: Cursor, deep_status: Cursor, day: datetime) -> list[Named]:
    """The lists the portal's pages ask for: the first page, each filter, deep keyset pages."""
    until = (day + timedelta(days=1)).isoformat()
    return [
        Named("first page (50, newest)", SUPPORTS, {}),
        Named("status=NO_ENCONTRADO (6 %)", SUPPORTS, {"status": "NO_ENCONTRADO"}),
        Named("status=PENDIENTE_REVISION (2 %)", SUPPORTS, {"status": "PENDIENTE_REVISION"}),
        Named("reason=FOTOCOPIA (5 %)", SUPPORTS, {"reason": "FOTOCOPIA"}),
        Named("reason=SIN_FIRMA (0.05 %)", SUPPORTS, {"reason": "SIN_FIRMA"}),
        Named("reason=SIMULACION (none)", SUPPORTS, {"reason": "SIMULACION"}),
        Named("channel=CEDULA_PAPEL (10 %)", SUPPORTS, {"channel": "CEDULA_PAPEL"}),
        Named("captured_by=aux:7 (0.25 %)", SUPPORTS, {"captured_by": "aux:7"}),
        Named("one day (since/until)", SUPPORTS, {"since": day.isoformat(), "until": until}),
        Named("status+channel", SUPPORTS, {"status": "NO_ENCONTRADO", "channel": "AUTOSERVICIO"}),
        Named("deep page (after 90 % of rows)", SUPPORTS, {"after": deep.encode()}),
        Named(
            "deep page, status=NO_ENCONTRADO",
            SUPPORTS,
            {"status": "NO_ENCONTRADO", "after": deep_status.encode()},
        ),
        Named("200 per page", SUPPORTS, {"limit": "200"}),
        Named(
            "auxiliaries with counts (whole aspirant)",
            "/v1/processes/bench/aspirants/asp-01/auxiliaries",
            {},
        ),
    ]


async def fill(pool: asyncpg.Pool, supports: int) -> None:
    """The rows in chunks, with the secondary indexes dropped and built again after (as a bulk
    load is done): the same indexes the migrations made, by their own definitions."""
    started = time.monotonic()
    async with pool.acquire() as conn:
        indexes = await conn.fetch(INDEXES)
        for index in indexes:
            await conn.execute(f'DROP INDEX capture."{index["indexname"]}"')
        for aspirant, count in (("asp-01", supports), ("asp-02", supports // 10)):
            for first in range(1, count + 1, CHUNK):
                last = min(first + CHUNK - 1, count)
                await conn.execute(FILL, first, aspirant, T0, last, timeout=600)
        await conn.execute(COUNTS, timeout=600)
        for index in indexes:
            await conn.execute(index["indexdef"], timeout=1200)
        await conn.execute("ANALYZE capture.supports", timeout=600)
    took = time.monotonic() - started
    print(f"filled {supports:,} + {supports // 10:,} supports and their indexes in {took:.0f} s")


async def cursor_at(pool: asyncpg.Pool, depth: float, where: str = "") -> Cursor:
    """The cursor of the row `depth` of the way into the aspirant's list (found once, slowly)."""
    row = await pool.fetchrow(
        "SELECT received_at, support_id FROM capture.supports "
        f"WHERE process_id = 'bench' AND aspirant_id = 'asp-01' {where} "
        "ORDER BY received_at DESC, support_id DESC OFFSET "
        f"(SELECT (count(*) * {depth})::int FROM capture.supports "
        f"WHERE process_id = 'bench' AND aspirant_id = 'asp-01' {where}) LIMIT 1"
    )
    assert row is not None
    return Cursor(row["received_at"], row["support_id"])


async def timed(
    client: httpx.AsyncClient, one: Named, headers: dict[str, str], repeat: int
) -> list[float]:
    times = []
    for attempt in range(repeat + 3):  # three warm-ups
        started = time.perf_counter()
        answer = await client.get(one.path, params=one.params, headers=headers)
        elapsed = (time.perf_counter() - started) * 1000
        assert answer.status_code == 200, (one.name, answer.text)
        if attempt >= 3:
            times.append(elapsed)
    return times


def report(rows: list[tuple[str, list[float]]]) -> None:
    print(f"\n{'request':44} {'median ms':>10} {'p95 ms':>8}  target {TARGET_MS} ms")
    for name, times in rows:
        median = statistics.median(times)
        p95 = statistics.quantiles(times, n=20)[18] if len(times) >= 2 else times[0]
        verdict = "PASS" if p95 <= TARGET_MS else "FAIL"
        print(f"{name:44} {median:10.1f} {p95:8.1f}  {verdict}")
    print(
        f"\nload average: {' '.join(f'{x:.2f}' for x in os.getloadavg())} on {os.cpu_count()} cores"
    )


async def bench(supports: int, repeat: int, folder: Path) -> None:
    dsn = await create_database(SERVER, "bench_portal")
    pool = await create_pool(dsn, max_size=4)
    settings = Settings(storage="local", storage_dir=folder, token_secret=SecretStr(SECRET))
    infra = Infrastructure(settings, KafkaBroker(), pool, LocalFolderStore(folder), _now)
    units = list(build_all(infra))
    try:
        await prepare(infra, units)
        await capture_repository(units).save_process(PROCESS)
        await fill(pool, supports)
        deep = await cursor_at(pool, 0.9)
        deep_status = await cursor_at(pool, 0.9, "AND status = 'NO_ENCONTRADO'")
        await fill_desk(pool, PROCESS, supports, T0)
        desk_deep = await deep_queue_key(pool)
        day = T0 + timedelta(days=10)
        app = build_app(infra, units, contextlib.nullcontext)
        transport = httpx.ASGITransport(app=app)
        token = issue(
            SECRET, Principal(Role.ASPIRANT, "bench", "bench", "asp-01"), timedelta(hours=2)
        )
        headers = {"Authorization": f"Bearer {token}"}
        ople = issue(SECRET, Principal(Role.OPLE, "ople:bench"), timedelta(hours=2))
        institute = {"Authorization": f"Bearer {ople}"}
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
            rows = [
                (one.name, await timed(client, one, headers, repeat))
                for one in requests(deep, deep_status, day)
            ]
            rows += [
                (name, await timed(client, Named(name, path, params), institute, repeat))
                for name, path, params in desk_requests(desk_deep)
            ]
        report(rows)
    finally:
        await stop_units(units)
        await pool.close()
        await drop_database(SERVER, dsn)


def _now() -> datetime:
    return datetime.now(UTC)


def capture_repository(units: list[ServiceUnit]) -> PgCaptureRepository:
    [found] = [u.extra["repository"] for u in units if u.name == "capture"]
    assert isinstance(found, PgCaptureRepository)
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--supports", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        asyncio.run(bench(args.supports, args.repeat, Path(folder)))


if __name__ == "__main__":
    main()
