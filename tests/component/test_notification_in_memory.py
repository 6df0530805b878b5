"""The notification service as wired, on the in-memory broker and PostgreSQL: what each topic
leaves in the mail folder, the delivery log and `support.notified`."""

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import asyncpg
import pytest
from faststream.kafka import KafkaBroker, TestKafkaBroker

from apoyo_common.codes import Status
from apoyo_common.messages import SupportNotified
from apoyo_common.messages_base import Contract
from apoyo_common.runtime import Infrastructure, prepare
from apoyo_common.settings import Settings
from apoyo_common.storage import LocalFolderStore
from apoyo_notification import bootstrap
from tests.unit.notification.mail_factories import code_request, invitation, outcome

pytestmark = pytest.mark.component


@dataclass
class Running:
    broker: KafkaBroker
    pool: asyncpg.Pool
    mail: Path
    notified: list[SupportNotified]

    async def publish(self, topic: str, event: Contract) -> None:
        await self.broker.publish(event.model_dump_json().encode(), topic, key=b"k")

    async def states(self) -> list[tuple[str, str, str]]:
        rows = await self.pool.fetch(
            "SELECT kind, state, recipient_domain FROM notification.messages ORDER BY kind"
        )
        return [tuple(r.values()) for r in rows]


@pytest.fixture
async def running(pool: asyncpg.Pool, database: str, tmp_path: Path) -> AsyncIterator[Running]:
    settings = Settings(
        database_url=database,
        storage="local",
        storage_dir=tmp_path / "objects",
        mail_sender="folder",
        mail_dir=tmp_path / "mail",
    )
    broker = KafkaBroker()
    infra = Infrastructure(settings, broker, pool, LocalFolderStore(settings.storage_dir))
    unit = bootstrap.build(infra)
    notified: list[SupportNotified] = []

    @broker.subscriber("support.notified", group_id="test")
    async def collect(body: dict[str, object]) -> None:
        notified.append(SupportNotified.model_validate(body))

    await prepare(infra, [unit])
    async with TestKafkaBroker(broker):
        yield Running(broker, pool, settings.mail_dir, notified)


async def test_each_event_is_one_eml_file_however_often_it_comes(running: Running) -> None:
    first = outcome(Status.EN_LISTA_NOMINAL)
    revised = outcome(Status.DUPLICADO_OTRO_ASPIRANTE, at=first.verified_at + timedelta(hours=1))
    for topic, event in [
        ("support.verified", first),
        ("support.verified", first),
        ("support.verified", revised),
        ("support.verified", revised),
        ("invitation.created", invitation()),
        ("invitation.created", invitation()),
        ("email.code.requested", code_request()),
    ]:
        await running.publish(topic, event)
    assert len(list(running.mail.glob("*.eml"))) == 4  # two outcomes, an invitation, a code
    assert await running.states() == [
        ("email_code", "SENT", "example.org"),
        ("invitation", "SENT", "example.org"),
        ("outcome", "SENT", "example.org"),
        ("outcome", "SENT", "example.org"),
    ]
    assert (
        await running.pool.fetchval(
            "SELECT count(*) FROM notification.messages WHERE letter IS NOT NULL"
        )
        == 0
    )  # nothing personal kept once sent
    statuses = [n.status for n in running.notified]
    assert statuses == [Status.EN_LISTA_NOMINAL] * 2 + [Status.DUPLICADO_OTRO_ASPIRANTE] * 2
    assert all(n.messages_sent == 1 for n in running.notified)
