from datetime import timedelta

import pytest
from pydantic import ValidationError

from apoyo_common.codes import Status
from apoyo_common.messages import ProcessCells, SupportExported
from apoyo_common.publishing import RecordingPublisher
from apoyo_export.adapters.memory import MemoryProcesses, MemoryRecords
from apoyo_export.handlers import Handlers
from apoyo_notification.domain import notify
from tests.factories import NOW, captured, identity_decoded, process, verified


def outcome(status: Status, minutes: int) -> bytes:
    decoded = identity_decoded(captured("s-1"))
    notified = notify(verified(decoded, NOW, status), NOW + timedelta(minutes=minutes))
    return notified.model_dump_json().encode()


async def test_each_notified_outcome_passes_on_the_latest_kept() -> None:
    publisher, records = RecordingPublisher(), MemoryRecords()
    handlers = Handlers(records, MemoryProcesses(), publisher, lambda: NOW)
    for raw in (
        outcome(Status.PENDIENTE_REVISION, 1),
        outcome(Status.INCONSISTENCIA, 9),  # the desk decided
        outcome(Status.PENDIENTE_REVISION, 1),  # the first, redelivered late
    ):
        await handlers.on_notified(raw)
    sent = publisher.on("support.exported")
    assert [m.status for m in sent if isinstance(m, SupportExported)] == [
        Status.PENDIENTE_REVISION,
        Status.INCONSISTENCIA,
        Status.INCONSISTENCIA,
    ]
    assert sent[1] == sent[2]  # the same event again, not a new one


async def test_captures_and_processes_are_noted() -> None:
    records, processes = MemoryRecords(), MemoryProcesses()
    handlers = Handlers(records, processes, RecordingPublisher(), lambda: NOW)
    await handlers.on_captured(captured("s-1").model_dump_json().encode())
    await handlers.on_process(process().model_dump_json().encode())
    assert records.forms["s-1"] == captured("s-1")
    assert await processes.get("gub-son-2027") == process()


async def test_a_process_cells_is_kept_per_cut_the_newest_winning() -> None:
    processes = MemoryProcesses()
    handlers = Handlers(MemoryRecords(), processes, RecordingPublisher(), lambda: NOW)
    told = ProcessCells(process_id="gub-son-2027", cut=process().cut, ln_total=30, computed_at=NOW)
    older = told.model_copy(update={"ln_total": 29, "computed_at": NOW - timedelta(hours=1)})
    for event in (told, older):
        await handlers.on_cells(event.model_dump_json().encode())
    assert await processes.cells("gub-son-2027", process().cut) == told
    assert await processes.cells("gub-son-2027", process().cut.replace(year=2025)) is None


async def test_a_batch_keeps_each_outcome_in_order_and_passes_them_on_after_it() -> None:
    publisher, records = RecordingPublisher(), MemoryRecords()
    handlers = Handlers(records, MemoryProcesses(), publisher, lambda: NOW)
    later, first = outcome(Status.INCONSISTENCIA, 9), outcome(Status.PENDIENTE_REVISION, 1)
    with pytest.raises(ValidationError):
        await handlers.on_notified_many([first, later, b"{}"])
    assert publisher.sent == [] and records.outcomes == {}  # then handled one by one
    await handlers.on_notified_many([first, later, first])
    sent = publisher.on("support.exported")
    assert [m.status for m in sent if isinstance(m, SupportExported)] == [
        Status.PENDIENTE_REVISION,
        Status.INCONSISTENCIA,
        Status.INCONSISTENCIA,  # the first again, older than the one kept
    ]
    assert sent[1] == sent[2]


async def test_a_batch_of_captures_is_noted_once_each() -> None:
    records = MemoryRecords()
    handlers = Handlers(records, MemoryProcesses(), RecordingPublisher(), lambda: NOW)
    raws = [captured(s).model_dump_json().encode() for s in ("s-1", "s-2", "s-1")]
    await handlers.on_captured_many(raws)
    assert set(records.forms) == {"s-1", "s-2"} and records.forms["s-2"] == captured("s-2")
