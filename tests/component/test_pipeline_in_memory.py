"""The five services on FastStream's in-memory broker and the embedded PostgreSQL."""

import itertools
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import asyncpg
import pytest
from faststream.kafka import KafkaBroker, KafkaMessage, TestKafkaBroker

from apoyo.services import build_all
from apoyo_capture.service import CaptureService
from apoyo_common.messages import DeadLetter
from apoyo_common.outbox import OutboxRelay
from apoyo_common.runtime import Infrastructure, prepare, stop_units
from apoyo_common.settings import Settings
from apoyo_common.storage import LocalFolderStore
from apoyo_common.tokens import Principal
from tests.factories import JPEG, NOW, captured, process
from tests.unit.capture.test_service import AUX, files, req

pytestmark = pytest.mark.component
TABLES = ("identity.decodings", "verification.supports", "notification.outcomes", "export.records")


@dataclass
class Stack:
    broker: KafkaBroker
    pool: asyncpg.Pool
    store: LocalFolderStore
    service: CaptureService
    relay: OutboxRelay
    dead: list[DeadLetter]

    async def counts(self) -> list[int]:
        return [int(await self.pool.fetchval(f"SELECT count(*) FROM {t}")) for t in TABLES]


@pytest.fixture
async def stack(pool: asyncpg.Pool, database: str, tmp_path: Path) -> AsyncIterator[Stack]:
    settings = Settings(
        database_url=database,
        storage="local",
        storage_dir=tmp_path,
        retry_attempts=2,
        identity_workers=1,
        retry_base_delay_s=0,
    )
    broker, store = KafkaBroker(), LocalFolderStore(tmp_path)
    ticks = itertools.count()
    infra = Infrastructure(
        settings, broker, pool, store, lambda: NOW + timedelta(milliseconds=next(ticks))
    )
    units = build_all(infra)
    dead: list[DeadLetter] = []

    @broker.subscriber("support.captured.dead-letter", group_id="test")
    async def collect(body: dict[str, object], message: KafkaMessage) -> None:
        dead.append(DeadLetter.model_validate(body))

    await prepare(infra, units)
    capture = units[0].extra
    async with TestKafkaBroker(broker):
        service, relay = capture["service"], capture["relay"]
        assert isinstance(service, CaptureService) and isinstance(relay, OutboxRelay)
        await service.repository.save_process(process())
        await relay.drain()  # verification learns the process from `process.defined`
        yield Stack(broker, pool, store, service, relay, dead)
    await stop_units(units)


async def test_an_accepted_support_reaches_every_stage_once(stack: Stack) -> None:
    answer = await stack.service.accept(AUX, "k1", req(), files())
    await stack.relay.drain()
    assert await stack.counts() == [1, 1, 1, 1]
    view = await stack.service.view(Principal(AUX.role.OPLE, "o"), answer.support_id)
    # Unreadable test images and nothing typed: a person at the desk has to read the card.
    assert view.status == "PENDIENTE_REVISION" and view.reasons == ("ILEGIBLE",)
    assert view.updated_at > view.received_at


async def test_redelivered_and_replayed_messages_change_nothing(stack: Stack) -> None:
    event = captured("s-7")
    for ref in event.evidence:
        await stack.store.put(ref.object_key, JPEG, "image/jpeg")
    raw = event.model_dump_json().encode()
    for _ in range(3):
        await stack.broker.publish(raw, "support.captured", key=b"s-7")
    assert await stack.counts() == [1, 1, 1, 1]
    outputs = await stack.pool.fetch("SELECT output FROM export.records")
    assert [o["output"]["support_id"] for o in outputs] == ["s-7"]
    # captured() sends no signature: an evidence problem, decided once.
    assert [o["output"]["status"] for o in outputs] == ["INCONSISTENCIA"]


async def test_a_poison_message_is_dead_lettered_and_the_stream_goes_on(stack: Stack) -> None:
    await stack.broker.publish(b"{not json", "support.captured", key=b"x")
    missing = captured("s-8")  # its images were never stored: retried, then parked
    await stack.broker.publish(missing.model_dump_json().encode(), "support.captured", key=b"y")
    await stack.service.accept(AUX, "k2", req(), files())
    await stack.relay.drain()
    identity = [d for d in stack.dead if d.service == "identity"]
    assert [d.attempts for d in identity] == [1, 2]
    assert identity[0].reason.startswith("ValidationError")
    assert identity[1].reason.startswith("ObjectNotFound")
    # export reads support.captured too (for the package's form and evidence): it parks the
    # poison message on its own, and takes the one whose images are missing (it reads none)
    assert [d.service for d in stack.dead if d.service != "identity"] == ["export"]
    assert await stack.counts() == [1, 1, 1, 1]
