"""The capture repository contract against the in-memory fake and PostgreSQL."""

import asyncio
from collections.abc import AsyncIterator, Awaitable
from datetime import timedelta

import asyncpg
import pytest

from apoyo_capture.adapters.memory import InMemoryCaptureRepository
from apoyo_capture.adapters.postgres import PgCaptureRepository
from apoyo_capture.ports import CaptureRepository, IdempotencyRace, StoredAnswer
from apoyo_common.codes import Status
from apoyo_common.db import migrate
from apoyo_common.messages import SupportCaptured
from tests.factories import NOW, captured, identity_decoded, process, verified
from tests.sealing import sealed_keyring

pytestmark = pytest.mark.component


@pytest.fixture(params=["memory", "postgres", "postgres-sealed"])
async def repository(
    request: pytest.FixtureRequest, pool: asyncpg.Pool
) -> AsyncIterator[CaptureRepository]:
    if request.param == "memory":
        yield InMemoryCaptureRepository()
        return
    await migrate(pool, "capture", "apoyo_capture")
    sealed = request.param == "postgres-sealed"
    yield PgCaptureRepository(pool, await sealed_keyring(pool) if sealed else None)


async def test_processes_are_created_and_updated(repository: CaptureRepository) -> None:
    assert await repository.process("gub-son-2027") is None
    await repository.save_process(process())
    await repository.save_process(process(require_selfie=True))
    stored = await repository.process("gub-son-2027")
    assert stored is not None and stored.require_selfie


async def test_a_support_is_stored_with_its_answer_and_event(repository: CaptureRepository) -> None:
    answer = await repository.save_support(captured("s-1"), "aux", "k1", "f1")
    assert await repository.answer_for("aux", "k1") == answer
    assert await repository.answer_for("other", "k1") is None
    view = await repository.support("s-1")
    assert view is not None and view.status == "RECIBIDO" and view.received_at == NOW
    [item] = await repository.claim_outbox(10)
    assert item.topic == "support.captured" and item.key == b"s-1"


async def test_the_same_key_twice_is_a_race(repository: CaptureRepository) -> None:
    await repository.save_support(captured("s-1"), "aux", "k1", "f1")
    with pytest.raises(IdempotencyRace):
        await repository.save_support(captured("s-2"), "aux", "k1", "f2")
    assert await repository.support("s-2") is None


async def test_the_certificate_is_stored_with_the_support_or_not_at_all(
    repository: CaptureRepository,
) -> None:
    await repository.save_support(captured("s-1"), "aux", "k1", "f1", certificate=b'{"c":1}')
    assert await repository.certificate("s-1") == b'{"c":1}'
    with pytest.raises(IdempotencyRace):
        await repository.save_support(captured("s-2"), "aux", "k1", "f2", certificate=b"{}")
    assert await repository.certificate("s-2") is None
    await repository.save_support(captured("s-3"), "aux", "k3", "f3")
    assert await repository.certificate("s-3") is None  # issued on its first request instead
    published = [
        SupportCaptured.model_validate_json(i.payload) for i in await repository.claim_outbox(9)
    ]
    assert [(e.support_id, e.schema_version, e.certificate_bytes) for e in published] == [
        ("s-1", 2, b'{"c":1}'),  # carried to export: no copy in object storage
        ("s-3", 1, None),
    ]
    facts = await repository.certificate_facts("s-1")
    assert facts is not None and facts[0].certificate is None  # the row keeps it once


async def test_supports_saved_at_once_are_each_stored_or_refused_alone(
    repository: CaptureRepository,
) -> None:
    # PostgreSQL writes the supports that arrive during a write together, in one statement:
    # a retry's key among them refuses that one only, and the rest are stored as one by one.
    def save(n: int, key: str, by: str = "aux-1") -> Awaitable[StoredAnswer]:
        event = captured(f"s-{n}").model_copy(update={"captured_by": by})
        return repository.save_support(event, "aux", key, f"f{n}", certificate=b"c%d" % n)

    first = [save(n, f"k{n}", "aux-1" if n % 2 else "aux-2") for n in range(6)]
    assert [a.support_id for a in await asyncio.gather(*first)] == [f"s-{n}" for n in range(6)]
    second = await asyncio.gather(
        save(6, "k6"), save(7, "k2"), save(8, "k8"), return_exceptions=True
    )  # k2 is s-2's
    assert isinstance(second[1], IdempotencyRace)
    assert [a.support_id for a in (second[0], second[2]) if isinstance(a, StoredAnswer)] == [
        "s-6",
        "s-8",
    ]
    assert await repository.support("s-7") is None and await repository.certificate("s-7") is None
    assert await repository.certificate("s-5") == b"c5"
    counts = await repository.auxiliary_counts("gub-son-2027", "asp-01")
    assert [(c.captured_by, c.supports) for c in counts] == [("aux-1", 5), ("aux-2", 3)]
    events = await repository.claim_outbox(20)
    assert sorted(i.key for i in events) == sorted(f"s-{n}".encode() for n in (*range(7), 8))


async def test_outbox_items_leave_once_published(repository: CaptureRepository) -> None:
    for n in range(3):
        await repository.save_support(captured(f"s-{n}"), "aux", f"k{n}", "f")
    items = await repository.claim_outbox(2)
    assert [i.key for i in items] == [b"s-0", b"s-1"]
    await repository.mark_published([i.id for i in items])
    rest = await repository.claim_outbox(10)
    assert [i.key for i in rest] == [b"s-2"]


async def test_only_a_newer_verdict_replaces_the_status(repository: CaptureRepository) -> None:
    await repository.save_support(captured("s-1"), "aux", "k1", "f")
    decoded = identity_decoded(captured("s-1"))
    newer = verified(decoded, NOW + timedelta(minutes=2)).model_copy(
        update={"status": Status.EN_LISTA_NOMINAL}
    )
    older = verified(decoded, NOW + timedelta(minutes=1))
    await repository.apply_verdict(newer)
    await repository.apply_verdict(older)
    view = await repository.support("s-1")
    assert view is not None and view.status == "EN_LISTA_NOMINAL"
