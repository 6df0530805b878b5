"""Verification benchmark: supports verified a second through the consumer, beside the limit.

A benchmark, not a test. On one PostgreSQL server with a synthetic roll loaded as a cut:

- lookups: the raw batched lookup rate of that server (`PgVoterRoll.by_card`, 500 keys a
  query, the supports' keys): the limit of any verification on it;
- in-memory broker: the verification unit as the embedded default wires it, on FastStream's
  `TestKafkaBroker`, given the supports (a) one message a publish from 64 publishers at once
  (what the embedded pipeline sends: the group commit gathers them) and (b) in batches of 500
  (what a Kafka poll hands over); timed from the first publish to the last commit;
- real broker (`--kafka`, the servers of `deploy/local/infra.sh up`): a backlog on a fresh
  namespace's `identity.decoded`, then the unit on real Kafka, timed from the first outcome
  recorded to the last (`verified_at`), so the group join is not counted;
- progress: milliseconds of one `GET .../progress` read (median of 50) after the run.

The issue's target: at least 2,000 supports a second through the consumer in memory.

    .venv/bin/python benchmarks/verification.py [--roll 200000] [--supports 20000] [--kafka]

PostgreSQL is APOYO_BENCH_DATABASE_URL (a fresh database is made on it), else an embedded one
in a temporary directory. With --kafka the real-broker run uses the infra PostgreSQL
(127.0.0.1:55432) and Kafka (127.0.0.1:9092), and the lookups are measured there too.
"""

import argparse
import asyncio
import contextlib
import hashlib
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import asyncpg
from faststream.kafka import KafkaBroker, TestKafkaBroker

from apoyo.synthetic.mrz import mrz_fields as mrz
from apoyo.synthetic.people import Citizen, make_citizens
from apoyo.synthetic.roll import demo_process
from apoyo.synthetic.roll import roll_row as synthetic_row
from apoyo_common.codes import Channel, EvidenceKind
from apoyo_common.db import create_database, create_pool, drop_database
from apoyo_common.embedded_postgres import EmbeddedPostgres
from apoyo_common.kafka import ensure_topics, make_broker
from apoyo_common.messages import EvidenceFacts, IdentityDecoded, SupportForm
from apoyo_common.processes import ProcessDefinition
from apoyo_common.runtime import Infrastructure, prepare
from apoyo_common.settings import Settings
from apoyo_common.storage import LocalFolderStore
from apoyo_common.topics import IDENTITY_DECODED, qualified
from apoyo_verification import bootstrap
from apoyo_verification.adapters.postgres import PgVoterRoll
from apoyo_verification.ports import CardKey
from apoyo_verification.progress import ProgressReader
from apoyo_verification.roll.batch import batch_of
from apoyo_verification.roll.rows import COLUMNS, RollRow, validate

CUT = date(2026, 8, 31)
NOW = datetime(2027, 1, 10, 12, tzinfo=UTC)
TARGET = 2000.0
INFRA_DSN = "postgresql://apoyo:apoyo@127.0.0.1:55432/apoyo"
BATCH = 500
CHUNK = 50_000


def process() -> ProcessDefinition:
    return ProcessDefinition.model_validate(demo_process(CUT, "bench"))


def roll_row(who: Citizen, line: int) -> RollRow | None:
    fields = synthetic_row(who)
    typed = validate([fields[c] for c in COLUMNS], line, CUT)
    return typed if isinstance(typed, RollRow) else None


EVIDENCE = tuple(
    EvidenceFacts(
        kind=k,
        object_key=f"e/{k.value}",
        sha256=hashlib.sha256(b"x").hexdigest(),
        bytes=1,
        matches_capture=True,
    )
    for k in (EvidenceKind.CREDENTIAL_FRONT, EvidenceKind.CREDENTIAL_BACK, EvidenceKind.SIGNATURE)
)


def support(i: int, who: Citizen, rng: random.Random) -> IdentityDecoded:
    """Most count; about 10 % are a citizen's second support, 5 % photocopies."""
    received = NOW + timedelta(milliseconds=rng.randint(0, 3_600_000))
    form = SupportForm(
        consent=True, cic=who.cic, ocr=who.ocr, clave_elector=who.clave_elector, emision=who.emision
    )
    return IdentityDecoded(
        support_id=f"b-{i:07d}",
        process_id="bench",
        aspirant_id=rng.choice(["asp-01", "asp-02"]),
        channel=Channel.AUXILIAR,
        received_at=received,
        citizen_key=hashlib.sha256(who.clave_elector.encode()).hexdigest()[:32],
        form=form,
        evidence=EVIDENCE,
        flags=("PHOTOCOPY",) if rng.random() < 0.05 else (),
        mrz=mrz(who),
        decoded_at=received + timedelta(seconds=1),
    )


def people(rows: int) -> list[Citizen]:
    found: list[Citizen] = []
    for start in range(0, rows, CHUNK):
        found += make_citizens(min(CHUNK, rows - start), seed=start)
    return found


def supports_of(citizens: list[Citizen], count: int) -> list[IdentityDecoded]:
    rng = random.Random(11)  # noqa: S311 - synthetic data
    chosen = rng.sample(citizens, min(count, len(citizens)))
    made = []
    for i in range(count):
        who = chosen[i] if rng.random() > 0.1 else rng.choice(chosen[: max(1, i)])
        made.append(support(i, who, rng))
    return made


async def load_roll(pool: asyncpg.Pool, citizens: list[Citizen]) -> int:
    async def batches() -> AsyncIterator:  # type: ignore[type-arg]
        for start in range(0, len(citizens), CHUNK):
            rows = [roll_row(p, start + i) for i, p in enumerate(citizens[start : start + CHUNK])]
            yield batch_of([r for r in rows if r is not None])

    return await PgVoterRoll(pool).load(CUT, batches())


async def lookup_rate(pool: asyncpg.Pool, supports: list[IdentityDecoded]) -> float:
    roll = PgVoterRoll(pool)
    keys = [CardKey(s.mrz.cic, s.mrz.identificador) for s in supports if s.mrz is not None]
    started = time.perf_counter()
    for start in range(0, len(keys), BATCH):
        await roll.by_card(CUT, keys[start : start + BATCH])
    return len(keys) / (time.perf_counter() - started)


async def recorded(pool: asyncpg.Pool) -> int:
    return int(await pool.fetchval("SELECT count(*) FROM verification.supports"))


async def reset(pool: asyncpg.Pool) -> None:
    await pool.execute("TRUNCATE verification.supports, verification.tally, verification.outbox")


async def in_memory(
    pool: asyncpg.Pool, dsn: str, supports: list[IdentityDecoded], batched: bool, sealed: bool
) -> float:
    """With `sealed`, personal fields are sealed to a data key (docs/security.md)."""
    folder = Path(tempfile.gettempdir())
    kek = folder / f"bench-kek-{uuid.uuid4().hex[:6]}.json" if sealed else None
    settings = Settings(database_url=dsn, storage="local", storage_dir=folder, kek_file=kek)
    broker = KafkaBroker()
    infra = Infrastructure(settings, broker, pool, LocalFolderStore(settings.storage_dir))
    unit = bootstrap.build(infra)
    await prepare(infra, [unit])
    await reset(pool)
    payloads = [s.model_dump_json().encode() for s in supports]
    async with TestKafkaBroker(broker):
        started = time.perf_counter()
        if batched:
            for start in range(0, len(payloads), BATCH):
                await broker.publish_batch(*payloads[start : start + BATCH], topic=IDENTITY_DECODED)
        else:
            await publish_concurrently(broker, supports, payloads, 64)
        seconds = time.perf_counter() - started
    assert await recorded(pool) == len({s.support_id for s in supports})
    return len(supports) / seconds


async def publish_concurrently(
    broker: KafkaBroker, supports: list[IdentityDecoded], payloads: list[bytes], workers: int
) -> None:
    queue = list(zip(supports, payloads, strict=True))[::-1]

    async def worker() -> None:
        while queue:
            one, payload = queue.pop()
            await broker.publish(payload, IDENTITY_DECODED, key=one.citizen_key.encode())

    await asyncio.gather(*(worker() for _ in range(workers)))


async def real_broker(pool: asyncpg.Pool, dsn: str, supports: list[IdentityDecoded]) -> float:
    settings = Settings(database_url=dsn, namespace=f"bench-{uuid.uuid4().hex[:6]}")
    await ensure_topics(settings)
    producer = make_broker(settings, "bench-producer")
    await producer.start()
    topic = qualified(settings.namespace, IDENTITY_DECODED)
    try:
        for start in range(0, len(supports), 1000):
            chunk = supports[start : start + 1000]
            await asyncio.gather(
                *(
                    producer.publish(
                        s.model_dump_json().encode(), topic, key=s.citizen_key.encode()
                    )
                    for s in chunk
                )
            )
    finally:
        await producer.stop()
    await reset(pool)
    broker = make_broker(settings, "bench-verification")
    infra = Infrastructure(settings, broker, pool, LocalFolderStore(Path(tempfile.gettempdir())))
    unit = bootstrap.build(infra)
    await prepare(infra, [unit])
    await broker.start()
    try:
        await wait_for(lambda: recorded(pool), len(supports), 600)
    finally:
        await broker.stop()
    first, last = await pool.fetchrow(
        "SELECT min(verified_at), max(verified_at) FROM verification.supports"
    )
    seconds: float = (last - first).total_seconds()
    return len(supports) / max(seconds, 1e-6)


async def wait_for(count: Callable[[], Awaitable[int]], expected: int, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if await count() >= expected:
            return
        await asyncio.sleep(0.2)


async def progress_ms(pool: asyncpg.Pool) -> float:
    from apoyo_verification.adapters.book_postgres import PgProcesses, PgSupportBook

    reader = ProgressReader(PgProcesses(pool), PgVoterRoll(pool), PgSupportBook(pool))
    times = []
    for _ in range(50):
        started = time.perf_counter()
        await reader.read("bench", "asp-01")
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


@contextlib.asynccontextmanager
async def server(kafka: bool) -> AsyncIterator[str]:
    given = os.environ.get("APOYO_BENCH_DATABASE_URL") or (INFRA_DSN if kafka else None)
    if given:
        yield given
        return
    with tempfile.TemporaryDirectory(prefix="apoyo-verify-bench-") as folder:
        Path(folder).chmod(0o755)  # as root, the embedded server runs as `nobody`
        embedded = EmbeddedPostgres(Path(folder) / "pg")
        dsn = await asyncio.to_thread(embedded.start)
        try:
            yield dsn
        finally:
            await asyncio.to_thread(embedded.stop)


def verdict(rate: float) -> str:
    return "PASS" if rate >= TARGET else "FAIL"


async def main(roll_rows: int, count: int, kafka: bool) -> None:
    print(f"load average {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f}, {os.cpu_count()} cores")
    started = time.perf_counter()
    citizens = people(roll_rows)
    supports = supports_of(citizens, count)
    print(
        f"{roll_rows} citizens and {count} supports made in {time.perf_counter() - started:.0f} s"
    )
    async with server(kafka) as where:
        dsn = await create_database(where, "bench")
        pool = await create_pool(dsn, 10)
        try:
            from apoyo_common.db import migrate
            from apoyo_verification.adapters.book_postgres import PgProcesses

            await migrate(pool, "verification", "apoyo_verification")
            started = time.perf_counter()
            loaded = await load_roll(pool, citizens)
            print(f"roll of {loaded} rows loaded in {time.perf_counter() - started:.0f} s")
            await PgProcesses(pool).save(process())
            lookups = await lookup_rate(pool, supports)
            print(
                f"raw batched lookups ({BATCH} keys a query): {lookups:,.0f} a second (the limit)"
            )
            for batched, sealed, label in (
                (False, False, "one message a publish, 64 at once"),
                (True, False, f"batches of {BATCH}"),
                (True, True, f"batches of {BATCH}, personal fields sealed"),
            ):
                rate = await in_memory(pool, dsn, supports, batched, sealed)
                print(
                    f"in-memory broker, {label}: {rate:,.0f} supports a second "
                    f"(target {TARGET:,.0f}: {verdict(rate)})"
                )
            print(f"progress read: {await progress_ms(pool):.1f} ms (median of 50)")
            if kafka:
                rate = await real_broker(pool, dsn, supports)
                print(f"real broker (Kafka, one consumer, backlog): {rate:,.0f} supports a second")
        finally:
            await pool.close()
            await drop_database(where, dsn)
    print(f"load average {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} at the end")


if __name__ == "__main__":
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--roll", type=int, default=200_000, help="citizens in the cut")
    parser.add_argument("--supports", type=int, default=20_000)
    parser.add_argument("--kafka", action="store_true", help="also on the infra servers")
    arguments = parser.parse_args()
    asyncio.run(main(arguments.roll, arguments.supports, arguments.kafka))
