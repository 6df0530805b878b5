"""One body, two backends: the in-memory records and jobs of the unit tests behave as the
PostgreSQL ones do."""

from collections.abc import AsyncIterator
from datetime import timedelta

import asyncpg
import pytest

from apoyo_common.codes import Status
from apoyo_common.db import migrate
from apoyo_common.messages import SupportNotified
from apoyo_export.adapters.memory import MemoryJobs, MemoryProcesses, MemoryRecords
from apoyo_export.adapters.postgres import PgProcesses, PgRecords
from apoyo_export.adapters.postgres_jobs import PgJobs
from apoyo_export.domain import stage
from apoyo_export.ports import Job, Jobs, JobStatus, Package, Processes, Records
from apoyo_notification.domain import notify
from tests.factories import NOW, captured, identity_decoded, process, verified
from tests.sealing import raw_text, sealed_keyring

pytestmark = pytest.mark.component
Backends = tuple[Records, Jobs, Processes]
LEASE = timedelta(minutes=1)


@pytest.fixture(params=["memory", "postgres", "postgres-sealed"])
async def backends(request: pytest.FixtureRequest, pool: asyncpg.Pool) -> AsyncIterator[Backends]:
    if request.param == "memory":
        yield MemoryRecords(), MemoryJobs(), MemoryProcesses()
        return
    await migrate(pool, "export", "apoyo_export")
    keyring = await sealed_keyring(pool) if request.param == "postgres-sealed" else None
    yield PgRecords(pool, batch=2, keyring=keyring), PgJobs(pool), PgProcesses(pool)


async def test_the_captured_form_is_stored_sealed(pool: asyncpg.Pool) -> None:
    await migrate(pool, "export", "apoyo_export")
    records = PgRecords(pool, keyring=await sealed_keyring(pool))
    event = captured("s-1")
    await records.captured(event)
    await keep(records, outcome("s-1", Status.EN_LISTA_NOMINAL, 1))
    seen = await raw_text(pool, "SELECT form FROM export.captured")
    assert event.form.clave_elector and event.form.clave_elector not in seen
    assert '"nombre"' not in seen
    [support] = [s async for s in records.supports("gub-son-2027", "asp-01")]
    assert support.form["clave_elector"] == event.form.clave_elector


async def test_a_version_2_events_certificate_is_kept_sealed_and_comes_back_as_sent(
    backends: Backends, pool: asyncpg.Pool
) -> None:
    records = backends[0]
    document = b'{"certificate":{"client":{"ip":"203.0.113.77"},"email":"a\xc3\xb1o"}}'
    await records.captured(captured("s-1").carrying(document))
    await records.captured(captured("s-2"))  # version 1: its certificate is in object storage
    for support_id in ("s-1", "s-2"):
        await keep(records, outcome(support_id, Status.EN_LISTA_NOMINAL, 1))
    found = {s.support_id: s.certificate async for s in records.supports("gub-son-2027", "asp-01")}
    assert found == {"s-1": document, "s-2": None}
    if isinstance(records, PgRecords) and records.keyring.on:
        assert "203.0.113.77" not in await raw_text(pool, "SELECT certificate FROM export.captured")


def outcome(support_id: str, status: Status, minutes: int, received: int = 0) -> SupportNotified:
    event = captured(support_id).model_copy(update={"received_at": NOW + timedelta(received)})
    return notify(verified(identity_decoded(event), NOW, status), NOW + timedelta(minutes=minutes))


async def keep(records: Records, notified: SupportNotified) -> Status:
    kept = await records.keep(notified, stage(notified, notified.notified_at))
    return kept.status


async def test_the_latest_outcome_is_kept_and_redeliveries_change_nothing(
    backends: Backends,
) -> None:
    records = backends[0]
    first = outcome("s-1", Status.PENDIENTE_REVISION, 1)
    revised = outcome("s-1", Status.EN_LISTA_NOMINAL, 5)
    assert await keep(records, first) is Status.PENDIENTE_REVISION
    assert await keep(records, first) is Status.PENDIENTE_REVISION  # redelivered
    assert await keep(records, revised) is Status.EN_LISTA_NOMINAL
    assert await keep(records, first) is Status.EN_LISTA_NOMINAL  # an older one, late
    [kept] = [s async for s in records.supports("gub-son-2027", "asp-01")]
    assert kept.status == "EN_LISTA_NOMINAL"


async def test_a_batch_is_kept_in_order_as_one_by_one_would_keep_it(backends: Backends) -> None:
    records = backends[0]
    first = outcome("s-1", Status.PENDIENTE_REVISION, 1)
    revised = outcome("s-1", Status.EN_LISTA_NOMINAL, 5)
    other = outcome("s-2", Status.NO_ENCONTRADO, 1)
    batch = [first, revised, first, other, other]
    kept = await records.keep_many([(n, stage(n, n.notified_at)) for n in batch])
    assert [k.status for k in kept] == [
        Status.PENDIENTE_REVISION, Status.EN_LISTA_NOMINAL, Status.EN_LISTA_NOMINAL,
        Status.NO_ENCONTRADO, Status.NO_ENCONTRADO,
    ]  # fmt: skip
    assert kept[1] == kept[2] and kept[3] == kept[4]  # the kept event again, not a new one
    await records.captured_many([captured("s-2"), captured("s-1"), captured("s-2")])
    found = [s async for s in records.supports("gub-son-2027", "asp-01")]
    assert [(s.support_id, s.status) for s in found] == [
        ("s-1", "EN_LISTA_NOMINAL"),
        ("s-2", "NO_ENCONTRADO"),
    ]
    assert [s.form["clave_elector"] for s in found] == [
        captured(n).form.clave_elector for n in ("s-1", "s-2")
    ]


async def test_a_batch_is_judged_against_what_was_kept_before_it(backends: Backends) -> None:
    records = backends[0]
    early, middle, late = (outcome("s-1", Status.PENDIENTE_REVISION, m) for m in (1, 3, 5))
    assert await keep(records, middle) is Status.PENDIENTE_REVISION
    batch = [early, middle, late, early]
    kept = await records.keep_many([(n, stage(n, n.notified_at)) for n in batch])
    assert [k.exported_at for k in kept[:2]] == [middle.notified_at] * 2  # the one kept before
    assert kept[2] == kept[3] == stage(late, late.notified_at)
    assert await records.keep_many([(early, stage(early, early.notified_at))]) == [kept[2]]


async def test_supports_come_in_reception_order_with_what_capture_stored(
    backends: Backends,
) -> None:
    records = backends[0]
    for i, day in ((3, 2), (1, 0), (2, 1), (4, 3), (5, 4)):
        await keep(records, outcome(f"s-{i}", Status.NO_ENCONTRADO, 1, received=day))
    await records.captured(captured("s-2"))
    await records.captured(captured("s-2"))  # redelivered: nothing changes
    found = [s async for s in records.supports("gub-son-2027", "asp-01")]
    assert [s.support_id for s in found] == ["s-1", "s-2", "s-3", "s-4", "s-5"]
    second = found[1]
    assert second.form["clave_elector"] == captured("s-2").form.clave_elector
    assert "email" not in second.form
    assert [e.kind for e in second.evidence] == ["credential_front", "credential_back"]
    assert found[0].evidence == () and found[0].form == {}
    assert [s async for s in records.supports("gub-son-2027", "asp-02")] == []


def job(export_id: str, minutes: int = 0) -> Job:
    at = NOW + timedelta(minutes=minutes)
    return Job(export_id, "gub-son-2027", "asp-01", JobStatus.PENDING, "ople", at)


PACKAGE = Package(3, "ab" * 32, "exports/p/a/e-1.zip", "cd" * 32, 1234)


async def test_a_job_is_claimed_once_and_only_its_holder_finishes_it(backends: Backends) -> None:
    jobs = backends[1]
    await jobs.create(job("e-2", 1))
    await jobs.create(job("e-1"))
    claimed = await jobs.claim(NOW, NOW + LEASE)
    assert claimed is not None and (claimed.export_id, claimed.attempts) == ("e-1", 1)
    second = await jobs.claim(NOW, NOW + LEASE)
    assert second is not None and second.export_id == "e-2"
    assert await jobs.claim(NOW, NOW + LEASE) is None  # both leased
    again = await jobs.claim(NOW + LEASE, NOW + 2 * LEASE)  # e-1's worker died: resumed
    assert again is not None and (again.export_id, again.attempts) == ("e-1", 2)
    assert not await jobs.finish("e-1", 1, PACKAGE, NOW)  # the first worker lost it
    assert await jobs.finish("e-1", 2, PACKAGE, NOW + LEASE)
    done = await jobs.get("e-1")
    assert done is not None and done.status is JobStatus.READY and done.package == PACKAGE


async def test_a_job_is_released_extended_or_failed_by_its_holder(backends: Backends) -> None:
    jobs = backends[1]
    await jobs.create(job("e-1"))
    assert (await jobs.claim(NOW, NOW + LEASE)) is not None
    assert await jobs.extend("e-1", 1, NOW + 3 * LEASE)
    assert await jobs.claim(NOW + 2 * LEASE, NOW + 3 * LEASE) is None
    await jobs.release("e-1", 1, NOW)
    retried = await jobs.claim(NOW, NOW + LEASE)
    assert retried is not None and retried.attempts == 2
    await jobs.fail("e-1", 1, "tarde", NOW)  # not the holder: ignored
    await jobs.fail("e-1", 2, "sin evidencia", NOW)
    failed = await jobs.get("e-1")
    assert failed is not None and failed.status is JobStatus.FAILED
    assert failed.error == "sin evidencia" and failed.package is None
    assert await jobs.get("nope") is None


async def test_processes_are_remembered_by_id(backends: Backends) -> None:
    processes = backends[2]
    assert await processes.get("gub-son-2027") is None
    await processes.save(process())
    assert await processes.get("gub-son-2027") == process()
