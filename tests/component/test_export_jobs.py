"""The package job on both backends: built from the records kept, uploaded, READY with its
sha256; resumed after a crash; FAILED, never READY, when evidence is missing."""

import hashlib
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from pathlib import Path

import asyncpg
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from apoyo_common.codes import Status
from apoyo_common.db import migrate
from apoyo_common.storage import InMemoryStore, LocalFolderStore, ObjectStore
from apoyo_common.storage.keys import certificate_key
from apoyo_export.adapters.memory import MemoryJobs, MemoryProcesses, MemoryRecords
from apoyo_export.adapters.postgres import PgProcesses, PgRecords
from apoyo_export.adapters.postgres_jobs import PgJobs
from apoyo_export.domain import stage
from apoyo_export.exporter import Exporter
from apoyo_export.ports import Job, JobStatus
from apoyo_export.verify import verify_package
from apoyo_notification.domain import notify
from tests.factories import JPEG, NOW, captured, identity_decoded, process, verified

pytestmark = pytest.mark.component
KEY = Ed25519PrivateKey.generate()


class Clock:
    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture(params=["memory", "postgres"])
async def exporter(
    request: pytest.FixtureRequest, pool: asyncpg.Pool, tmp_path: Path
) -> AsyncIterator[Exporter]:
    clock = Clock()
    if request.param == "memory":
        store: ObjectStore = InMemoryStore()
        yield Exporter(MemoryJobs(), MemoryRecords(), MemoryProcesses(), store, KEY, clock)
        return
    await migrate(pool, "export", "apoyo_export")
    store = LocalFolderStore(tmp_path / "objects")
    jobs, records, processes = PgJobs(pool), PgRecords(pool, batch=3), PgProcesses(pool)
    yield Exporter(jobs, records, processes, store, KEY, clock, workdir=tmp_path)


async def stock(exporter: Exporter, n: int, certified: bool = True) -> None:
    await exporter.processes.save(process())
    for i in range(n):
        event = captured(f"s-{i}").model_copy(update={"received_at": NOW + timedelta(i)})
        for ref in event.evidence:
            await exporter.store.put(ref.object_key, JPEG, ref.content_type)
        if certified:
            key = certificate_key(event.process_id, event.support_id)
            await exporter.store.put(key, b'{"c":%d}' % i, "application/json")
        await exporter.records.captured(event)
        status = Status.EN_LISTA_NOMINAL if i % 2 else Status.NO_ENCONTRADO
        notified = notify(verified(identity_decoded(event), NOW, status), NOW)
        await exporter.records.keep(notified, stage(notified, NOW))


async def download(store: ObjectStore, job: Job, to: Path) -> Path:
    assert job.package is not None
    with to.open("wb") as out:
        async for chunk in store.stream(job.package.key):
            out.write(chunk)
    return to


async def test_a_requested_package_is_built_uploaded_and_verifies(
    exporter: Exporter, tmp_path: Path
) -> None:
    await stock(exporter, 7)
    requested = await exporter.request("gub-son-2027", "asp-01", "ople")
    assert await exporter.run_once()
    assert not await exporter.run_once()  # nothing else due
    job = await exporter.jobs.get(requested.export_id)
    assert job is not None and job.status is JobStatus.READY and job.package is not None
    path = await download(exporter.store, job, tmp_path / "paquete.zip")
    assert hashlib.sha256(path.read_bytes()).hexdigest() == job.package.sha256
    assert path.stat().st_size == job.package.bytes
    verdict = verify_package(path, KEY.public_key())
    assert verdict.problems == [] and verdict.supports == job.package.supports == 7
    assert list(tmp_path.glob("apoyo-export-*")) == []  # the scratch file is gone


async def test_a_job_whose_worker_died_is_resumed_after_its_lease(exporter: Exporter) -> None:
    await stock(exporter, 2)
    requested = await exporter.request("gub-son-2027", "asp-01", "ople")
    clock = exporter.clock
    assert await exporter.jobs.claim(clock(), clock() + exporter.lease)  # then it crashed
    assert not await exporter.run_once()  # still leased
    assert isinstance(clock, Clock)
    clock.now += exporter.lease
    assert await exporter.run_once()
    job = await exporter.jobs.get(requested.export_id)
    assert job is not None and job.status is JobStatus.READY and job.attempts == 2


async def test_missing_evidence_fails_the_job_instead_of_a_partial_package(
    exporter: Exporter,
) -> None:
    await stock(exporter, 3)
    await exporter.store.delete(captured("s-1").evidence[0].object_key)
    requested = await exporter.request("gub-son-2027", "asp-01", "ople")
    assert await exporter.run_once()
    job = await exporter.jobs.get(requested.export_id)
    assert job is not None and job.status is JobStatus.FAILED and job.package is None
    assert job.error is not None and job.error.startswith("evidencia faltante")


async def test_unknown_processes_and_aspirants_are_refused(exporter: Exporter) -> None:
    await exporter.processes.save(process())
    with pytest.raises(LookupError, match="el proceso no existe"):
        await exporter.request("otro", "asp-01", "ople")
    with pytest.raises(LookupError, match="el aspirante no pertenece"):
        await exporter.request("gub-son-2027", "asp-99", "ople")
