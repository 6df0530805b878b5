"""The transactional outbox: events stored with the effect that caused them, relayed to Kafka.

A service writes its events into its own `outbox` table in the same transaction as its state,
so an event exists exactly when its cause does. The relay moves them to Kafka, in order, until
none is pending; it keeps trying while Kafka is away. A crash between the publish and the mark
republishes the event, which every consumer treats as a redelivery.
"""

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

import asyncpg

from apoyo_common import metrics
from apoyo_common.delivery import describe
from apoyo_common.keyring import Keyring
from apoyo_common.keyring.documents import open_bytes, seal_bytes
from apoyo_common.logs import get_logger

log = get_logger(__name__)


@dataclass(frozen=True)
class OutboxItem:
    id: int
    topic: str
    key: bytes
    payload: bytes


class OutboxStore(Protocol):
    async def claim_outbox(self, limit: int) -> list[OutboxItem]: ...

    async def mark_published(self, ids: list[int]) -> None: ...


class RawPublisher(Protocol):
    async def publish_raw(self, topic: str, key: bytes, payload: bytes) -> None: ...


class PipelinedPublisher(RawPublisher, Protocol):
    async def publish_raw_many(self, items: list[tuple[str, bytes, bytes]]) -> None:
        """Send them all in order, then wait for every acknowledgement."""
        ...


async def enqueue(
    conn: asyncpg.Connection, table: str, topic: str, key: bytes, payload: bytes
) -> None:
    """Add an event inside the caller's transaction (`table` is schema-qualified)."""
    await conn.execute(
        f"INSERT INTO {table} (topic, key, payload) VALUES ($1, $2, $3)", topic, key, payload
    )


def _context(topic: str, key: bytes) -> str:
    return f"outbox/{topic}/{key.hex()}"


async def sealed_payload(
    keyring: Keyring, process_id: str, topic: str, key: bytes, payload: bytes
) -> bytes:
    """An event carrying personal data, sealed while it waits in the outbox (and after: the
    table keeps published events); the relay opens it to publish."""
    return await seal_bytes(keyring, process_id, _context(topic, key), payload)


async def opened_payload(keyring: Keyring, topic: str, key: bytes, payload: bytes) -> bytes:
    """What `sealed_payload` was given (a payload stored plain, as it is)."""
    return await open_bytes(keyring, _context(topic, key), payload)


# A claim's and a mark's commit do not wait for the WAL to reach the disk: the statement sets
# `synchronous_commit` off for its own transaction (the `lazy` row it joins), and PostgreSQL
# flushes that WAL within wal_writer_delay or with the next commit that waits. Lost in a
# crash, a claim or a mark only makes an event be published again, which at-least-once
# delivery allows. Waiting for their flushes put two disk syncs a relay pass in the queue
# that the commits of supports about to be acknowledged wait in (docs/operations.md,
# *Capture's reception, eleventh pass*).
_LAZY = "WITH lazy AS (SELECT set_config('synchronous_commit', 'off', true)) "


class PgOutbox:
    """An `outbox` table (id bigserial, topic, key, payload, claimed_until, published_at)."""

    def __init__(self, pool: asyncpg.Pool, table: str, keyring: Keyring | None = None) -> None:
        self.pool, self.table = pool, table
        self.keyring = keyring or Keyring.off()
        # A lease rather than a held lock: replicas share the work, a crashed one's claim lapses.
        self._claim = (
            f"{_LAZY}UPDATE {table} SET claimed_until = now() + interval '10 seconds' FROM lazy "
            f"WHERE id IN (SELECT id FROM {table} WHERE published_at IS NULL "
            "AND (claimed_until IS NULL OR claimed_until < now()) ORDER BY id LIMIT $1 "
            "FOR UPDATE SKIP LOCKED) RETURNING id, topic, key, payload"
        )
        self._mark = (
            f"{_LAZY}UPDATE {table} SET published_at = now() FROM lazy WHERE id = ANY($1::bigint[])"
        )

    @property
    def statements(self) -> tuple[str, ...]:
        """What a relay pass runs, to prepare at start (`ServiceUnit.statements`)."""
        return self._claim, self._mark

    async def claim_outbox(self, limit: int) -> list[OutboxItem]:
        rows = await self.pool.fetch(self._claim, limit)
        items = [OutboxItem(r["id"], r["topic"], r["key"], await self._payload(r)) for r in rows]
        return sorted(items, key=lambda item: item.id)

    async def _payload(self, row: asyncpg.Record) -> bytes:
        return await opened_payload(self.keyring, row["topic"], row["key"], bytes(row["payload"]))

    async def mark_published(self, ids: list[int]) -> None:
        await self.pool.execute(self._mark, ids)

    async def pending(self) -> int:
        sql = f"SELECT count(*) FROM {self.table} WHERE published_at IS NULL"
        return int(await self.pool.fetchval(sql))


@dataclass
class FailureReport:
    """One warning when publishing starts failing, then one a minute while it goes on, and a
    line when it works again: the relay retries every half second through an outage, and a
    warning each time would bury the log (and the outage's start) under identical lines."""

    every_s: float = 60.0
    clock: Callable[[], float] = time.monotonic
    since: float | None = None
    last_warned: float = 0.0
    missed: int = 0  # failed tries since the last warning

    def failed(self, service: str, error: BaseException) -> None:
        now = self.clock()
        if self.since is not None and now - self.last_warned < self.every_s:
            self.missed += 1
            return
        self.since = now if self.since is None else self.since
        log.warning(
            "outbox_publish_failed",
            service=service,
            error=describe(error),
            failing_s=round(now - self.since, 1),
            tries_since_last_warning=self.missed + 1,
        )
        self.last_warned, self.missed = now, 0

    def recovered(self, service: str) -> None:
        if self.since is not None:
            log.info(
                "outbox_publish_recovered",
                service=service,
                after_s=round(self.clock() - self.since, 1),
            )
            self.since, self.missed = None, 0


@dataclass
class OutboxRelay:
    store: OutboxStore
    publisher: RawPublisher
    service: str = "capture"
    interval_s: float = 0.5
    batch: int = 100
    wake: asyncio.Event = field(default_factory=asyncio.Event)
    pipelined: bool = False  # a claimed batch sent at once, acknowledged together
    failures: FailureReport = field(default_factory=FailureReport)

    def nudge(self) -> None:
        self.wake.set()

    async def relay_once(self) -> int:
        """Publish one batch; return how many went out."""
        items = await self.store.claim_outbox(self.batch)
        many = getattr(self.publisher, "publish_raw_many", None)
        if self.pipelined and many is not None and items:
            await many([(item.topic, item.key, item.payload) for item in items])
            await self.store.mark_published([item.id for item in items])
            for item in items:
                metrics.MESSAGES_OUT.labels(self.service, item.topic).inc()
            metrics.OUTBOX_PENDING.labels(self.service).observe(len(items))
            return len(items)
        done: list[int] = []
        try:
            for item in items:
                await self.publisher.publish_raw(item.topic, item.key, item.payload)
                done.append(item.id)
                metrics.MESSAGES_OUT.labels(self.service, item.topic).inc()
        finally:
            if done:
                await self.store.mark_published(done)
        metrics.OUTBOX_PENDING.labels(self.service).observe(len(items))
        return len(done)

    async def drain(self) -> None:
        """Relay batches until a claim comes back short of a full one. Not until a claim comes
        back empty: that claim was a round trip to PostgreSQL each pass (capture's passes take
        a few events each, so about a quarter of a transaction a support). An event committed
        after the short claim was looked for is not lost: its writer nudges the relay, and the
        relay passes every `interval_s` anyway."""
        while await self.relay_once() >= self.batch:
            pass

    async def try_drain(self) -> bool:
        """Drain now; a failure is left to the background loop (the events are durable)."""
        try:
            await self.drain()
        except Exception as error:
            self.failures.failed(self.service, error)
            return False
        self.failures.recovered(self.service)
        return True

    async def run_forever(self) -> None:
        while True:
            await self.try_drain()
            try:
                await asyncio.wait_for(self.wake.wait(), timeout=self.interval_s)
            except TimeoutError:
                pass
            self.wake.clear()
