"""The package job on both backends: built from the records kept, uploaded, READY with its
sha256; resumed after a crash; FAILED, never READY, when evidence is missing."""

import hashlib
import json
import zipfile
from collections.abc import AsyncIterator
from datetime import date, datetime, timedelta
from pathlib import Path

import asyncpg
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from apoyo_common.codes import Status
from apoyo_common.db import migrate
from apoyo_common.messages import ProcessCells, RollCell
from apoyo_common.processes import Dispersion
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


RULE = Dispersion(unit="municipio", min_units=2, pct_per_unit=1.0)
PROCESS = process().model_copy(update={"dispersion": RULE})
CELLS = ProcessCells(
    process_id=PROCESS.id, cut=PROCESS.cut, unit="municipio", ln_total=400,
    ln_by_unit={"26-001": 100, "26-002": 300}, computed_at=NOW,
)  # fmt: skip


def place(i: int) -> RollCell:
    """Supports 1 and 5 in municipio 001, 3 in 002."""
    municipio = "002" if i % 4 == 3 else "001"
    return RollCell(
        entidad="26", distrito_federal="01", distrito_local="02",
        municipio=municipio, seccion=f"0{municipio}",
    )  # fmt: skip


async def stock(exporter: Exporter, n: int, certified: bool = True, cells: bool = True) -> None:
    await exporter.processes.save(PROCESS)
    if cells:
        await exporter.processes.save_cells(CELLS)
    for i in range(n):
        event = captured(f"s-{i}").model_copy(update={"received_at": NOW + timedelta(i)})
        for ref in event.evidence:
            await exporter.store.put(ref.object_key, JPEG, ref.content_type)
        if certified:
            key = certificate_key(event.process_id, event.support_id)
            await exporter.store.put(key, b'{"c":%d}' % i, "application/json")
        await exporter.records.captured(event)
        status = Status.EN_LISTA_NOMINAL if i % 2 else Status.NO_ENCONTRADO
        outcome = verified(identity_decoded(event), NOW, status)
        if status is Status.EN_LISTA_NOMINAL:
            outcome = outcome.model_copy(update={"registry": place(i)})
        notified = notify(outcome, NOW)
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
    with zipfile.ZipFile(path) as archive:
        summary = json.loads(archive.read("summary.json"))
        records = [json.loads(x) for x in archive.read("supports.jsonl").splitlines()]
    # Valid: s-1, s-3, s-5 (001, 002, 001); 001 needs 1 of its 100 LN, 002 needs 3 of 300.
    assert summary == {
        "required": 12, "valid": 3, "ln_total": 400, "supports": 7,
        "by_status": {"EN_LISTA_NOMINAL": 3, "NO_ENCONTRADO": 4},
        "dispersion": {
            "unit": "municipio", "units_met": 1, "units_required": 2, "units_total": 2,
            "units": [
                {"unit": "26-001", "ln": 100, "required": 1, "valid": 2, "met": True},
                {"unit": "26-002", "ln": 300, "required": 3, "valid": 1, "met": False},
            ],
        },
        "met": False,
    }  # fmt: skip
    places = [r["registry"]["municipio"] for r in records]
    assert places == [None, "001", None, "002", None, "001", None]


async def test_a_package_waits_for_the_process_cells_then_fails_saying_so(
    exporter: Exporter,
) -> None:
    await stock(exporter, 2, cells=False)
    requested = await exporter.request("gub-son-2027", "asp-01", "ople")
    clock = exporter.clock
    assert isinstance(clock, Clock)
    for _ in range(exporter.max_attempts - 1):
        assert await exporter.run_once()
        job = await exporter.jobs.get(requested.export_id)
        assert job is not None and job.status is JobStatus.PENDING  # waits and tries again
        clock.now += exporter.lease
    await exporter.processes.save_cells(CELLS.model_copy(update={"cut": date(2025, 1, 31)}))
    assert await exporter.run_once()  # another cut's figures are no use: the last attempt fails
    job = await exporter.jobs.get(requested.export_id)
    assert job is not None and job.status is JobStatus.FAILED and job.package is None
    assert job.error is not None and "process.cells" in job.error
    assert "2026-08-31" in job.error


async def test_cells_arriving_while_a_package_waits_let_it_be_built(exporter: Exporter) -> None:
    await stock(exporter, 2, cells=False)
    requested = await exporter.request("gub-son-2027", "asp-01", "ople")
    assert await exporter.run_once()
    earlier = NOW - timedelta(hours=1)
    await exporter.processes.save_cells(
        CELLS.model_copy(update={"ln_total": 1, "computed_at": earlier})
    )
    await exporter.processes.save_cells(CELLS)  # a newer announcement replaces it
    await exporter.processes.save_cells(  # an older one changes nothing
        CELLS.model_copy(update={"ln_total": 2, "computed_at": NOW - timedelta(1)})
    )
    clock = exporter.clock
    assert isinstance(clock, Clock)
    clock.now += exporter.lease
    assert await exporter.run_once()
    job = await exporter.jobs.get(requested.export_id)
    assert job is not None and job.status is JobStatus.READY and job.attempts == 2
    kept = await exporter.processes.cells(PROCESS.id, PROCESS.cut)
    assert kept == CELLS


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


async def test_the_newest_job_of_each_aspirant_is_listed(exporter: Exporter) -> None:
    await exporter.processes.save(process())
    await exporter.request("gub-son-2027", "asp-01", "ople")
    clock = exporter.clock
    assert isinstance(clock, Clock)
    clock.now += timedelta(minutes=1)
    newer = await exporter.request("gub-son-2027", "asp-01", "ople")
    other = await exporter.request("gub-son-2027", "asp-02", "ople")
    latest = await exporter.jobs.latest("gub-son-2027")
    assert [j.export_id for j in latest] == [newer.export_id, other.export_id]
    assert await exporter.jobs.latest("otro") == []
