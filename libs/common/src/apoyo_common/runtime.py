"""What a running service is made of, and how one or several are started and stopped.

A service contributes a `ServiceUnit`: its schema and migrations, its subscriptions (already
registered on the broker when the unit is built), background tasks and HTTP routes. The same
units run alone on real infrastructure or all together on the embedded one; only the
`Infrastructure` given to them differs.
"""

import asyncio
import contextlib
import functools
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Generic, TypeVar

import asyncpg
from faststream.kafka import KafkaBroker
from starlette.routing import BaseRoute

from apoyo_common.db import migrate, prepare_everywhere
from apoyo_common.delivery import Delivery, RetryPolicy
from apoyo_common.kafka import NO_GATHER, BrokerPublisher, Gather, subscribe, subscribe_batch
from apoyo_common.keyring import Keyring
from apoyo_common.keyring.settings import keyring_from_settings
from apoyo_common.ledger import PgLedger
from apoyo_common.logs import get_logger
from apoyo_common.messages import CitizenEvent, SupportEnvelope
from apoyo_common.openapi import Api
from apoyo_common.settings import Settings
from apoyo_common.stage import Stage
from apoyo_common.storage import ObjectStore
from apoyo_common.storage.sealed import SealedStore
from apoyo_common.storage.timed import TimedStore

log = get_logger(__name__)
In = TypeVar("In", bound=SupportEnvelope)
Out = TypeVar("Out", bound=CitizenEvent)


def utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass
class Infrastructure:
    settings: Settings
    broker: KafkaBroker
    pool: asyncpg.Pool
    store: ObjectStore
    clock: Callable[[], datetime] = utcnow

    def __post_init__(self) -> None:
        # The one place every service's store is taken from: the store's own calls are timed
        # (inside the sealing, so the figures are the store's, not the encryption's).
        if not isinstance(self.store, TimedStore | SealedStore):
            self.store = TimedStore(self.store)
        # With the institute's keys configured, every unit reads and writes evidence sealed.
        if self.settings.kek_file is not None and not isinstance(self.store, SealedStore):
            self.store = SealedStore(self.store, self.keyring)

    @property
    def publisher(self) -> BrokerPublisher:
        return BrokerPublisher(self.broker, self.settings.namespace)

    @property
    def retry(self) -> RetryPolicy:
        return RetryPolicy(self.settings.retry_attempts, self.settings.retry_base_delay_s)

    @functools.cached_property
    def keyring(self) -> Keyring:
        """The data keys of every process, shared by the units of this process."""
        return keyring_from_settings(self.settings, self.pool)


@dataclass
class ServiceUnit:
    name: str
    package: str
    tasks: Sequence[Callable[[], Coroutine[Any, Any, None]]] = ()
    routes: Sequence[BaseRoute] = ()
    api: Api | None = None  # its plain Starlette routes described for /openapi.json
    extra: dict[str, object] = field(default_factory=dict)
    on_stop: Sequence[Callable[[], None]] = ()
    # SQL of the unit's hot paths, prepared once on every pooled connection at start to warm
    # the backend's catalog caches and the type codecs (db.prepare_everywhere)
    statements: Sequence[str] = ()

    @property
    def group_id(self) -> str:
        return f"apoyo-{self.name}"


def consume(
    infra: Infrastructure,
    unit: ServiceUnit,
    topic: str,
    handle: Callable[[bytes], Awaitable[None]],
    concurrency: int = 1,
) -> None:
    delivery = Delivery(unit.name, topic, infra.retry, infra.publisher)
    namespace = infra.settings.namespace
    subscribe(infra.broker, delivery, unit.group_id, handle, namespace, concurrency)


def consume_batch(
    infra: Infrastructure,
    unit: ServiceUnit,
    topic: str,
    handle_many: Callable[[list[bytes]], Awaitable[None]],
    handle_one: Callable[[bytes], Awaitable[None]],
    max_records: int = 500,
    gather: Gather = NO_GATHER,
) -> None:
    delivery = Delivery(unit.name, topic, infra.retry, infra.publisher)
    namespace = infra.settings.namespace
    subscribe_batch(
        infra.broker,
        delivery,
        unit.group_id,
        handle_many,
        handle_one,
        namespace,
        max_records,
        gather,
    )


def citizen_keyed(out: CitizenEvent) -> bytes:
    return out.citizen_key.encode()


@dataclass(frozen=True)
class Step(Generic[In, Out]):
    """One pipeline step: from `source` to `target`, its effect recorded in `table`."""

    source: tuple[str, type[In]]
    target: tuple[str, type[Out]]
    table: str
    columns: Callable[[Out], Mapping[str, object]]
    work: Callable[[In], Awaitable[Out]]
    concurrency: int = 1  # messages in flight at once, each partition in order


def run_step(infra: Infrastructure, unit: ServiceUnit, step: "Step[In, Out]") -> None:
    (source_topic, source_model), (target_topic, target_model) = step.source, step.target
    ledger = PgLedger(infra.pool, step.table, target_model, step.columns, infra.keyring)
    stage = Stage(
        unit.name,
        source_model,
        target_topic,
        step.work,
        ledger,
        infra.publisher,
        key_of=citizen_keyed,
    )
    consume(infra, unit, source_topic, stage.handle, step.concurrency)


async def prepare(infra: Infrastructure, units: Sequence[ServiceUnit]) -> None:
    await infra.store.ensure_ready()
    await infra.keyring.ensure_ready()
    if not infra.keyring.on:
        log.warning("encryption_at_rest_off", hint="set APOYO_KEK_FILE")
    for unit in units:
        applied = await migrate(infra.pool, unit.name, unit.package)
        if applied:
            log.info("migrated", schema=unit.name, applied=applied)
    statements = [sql for unit in units for sql in unit.statements]
    if statements:
        await prepare_everywhere(infra.pool, statements)


@contextlib.asynccontextmanager
async def background(units: Sequence[ServiceUnit]) -> AsyncIterator[None]:
    tasks = [asyncio.create_task(task()) for unit in units for task in unit.tasks]
    try:
        yield
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


async def stop_units(units: Sequence[ServiceUnit]) -> None:
    """After the broker has stopped, so no handler in flight loses what it relies on."""
    for unit in units:
        for stop in unit.on_stop:
            await asyncio.to_thread(stop)
