"""Decisions at the review desk, on the in-memory fakes and on PostgreSQL (one test body): a
decision is kept (who, when, why), closes the item, revises the support and publishes it again,
and the duplicates rule still holds among the citizen's supports."""

import json
from datetime import datetime
from typing import Any

import pytest

from apoyo_verification.desk.decision import InvalidDecision, Ruling
from apoyo_verification.desk.ports import QueueQuery
from apoyo_verification.desk.referral import Cause, Referral
from apoyo_verification.desk.service import AlreadyDecided, Ask, NotOnDesk
from apoyo_verification.geography import CELL_FIELDS
from apoyo_verification.ports import UnknownCut
from tests.component import test_verification_duplicates as duplicates
from tests.component.desk_backends import desk_on
from tests.component.test_verification_duplicates import (
    CITIZENS,
    OTHER,
    SAME,
    VALID,
    Backend,
    MemoryBackend,
    PgBackend,
    support,
)
from tests.unit.verification.cases import PROCESS

pytestmark = pytest.mark.component
backend = duplicates.backend  # the same fixture: in memory and on PostgreSQL
VALIDO = Ask(Ruling.VALIDO, None, "la foto se ve bien", "ople:revisora-1")


def rejected(reason: str, note: str = "") -> Ask:
    return Ask(Ruling.INCONSISTENCIA, reason, note, "ople:revisora-2")


async def events(backend: Backend, support_id: str) -> list[dict[str, Any]]:
    """Every `support.verified` queued for the support, in order."""
    if isinstance(backend, MemoryBackend):
        payloads = [item.payload for item in backend.book.outbox]
    else:
        assert isinstance(backend, PgBackend)
        payloads = await backend.payloads()
    found = [json.loads(p) for p in payloads]
    return [e for e in found if e["support_id"] == support_id]


async def test_a_valid_decision_counts_the_support_and_publishes_a_revision(
    backend: Backend,
) -> None:
    desk = await desk_on(backend)
    await desk.verifier.verify(support(0, "blurry", flags=("BLURRY",)))
    decided = await desk.decide("blurry", VALIDO)
    assert decided.published.status == "EN_LISTA_NOMINAL" and decided.cell
    assert await backend.finals() == {"blurry": VALID}
    first, second = await events(backend, "blurry")
    assert (first["status"], second["status"]) == ("PENDIENTE_REVISION", "EN_LISTA_NOMINAL")
    # Both carry the roll's cell of the record found (the blurry image sent it to the desk).
    for event in (first, second):
        assert "-".join(event["registry"][f] for f in CELL_FIELDS) == decided.cell
    stamps = [datetime.fromisoformat(e["verified_at"]) for e in (first, second)]
    assert stamps[1] > stamps[0]
    item = await desk.item("blurry")
    assert item is not None and not item.open
    [kept] = item.decisions
    assert (kept.ruling, kept.actor, kept.note) == (Ruling.VALIDO, VALIDO.actor, VALIDO.note)
    assert kept.causes == (Cause.PENDIENTE_REVISION,) and kept.decided_at is not None
    assert await desk.queue(QueueQuery(PROCESS.id)) == []
    with pytest.raises(AlreadyDecided):
        await desk.decide("blurry", rejected("ILEGIBLE"))


async def test_rejecting_the_first_support_makes_the_citizens_next_one_count(
    backend: Backend,
) -> None:
    desk = await desk_on(backend)
    await desk.verifier.verify_many(
        [support(0, "first", flags=("BLURRY",)), support(0, "later", "asp-02", 1)]
    )
    assert await backend.finals() == {
        "first": ("PENDIENTE_REVISION", ("ILEGIBLE",)),
        "later": OTHER,
    }
    await desk.decide("first", rejected("FOTOCOPIA", "copia en blanco y negro"))
    assert await backend.finals() == {"first": ("INCONSISTENCIA", ("FOTOCOPIA",)), "later": VALID}
    assert [e["status"] for e in await events(backend, "later")] == [OTHER[0], VALID[0]]


async def test_a_valid_decision_never_moves_the_first_counted_support(backend: Backend) -> None:
    desk = await desk_on(backend)
    await desk.verifier.verify_many([support(0, "first"), support(0, "copy", minutes=1)])
    await desk.refer(Referral("copy", Cause.AUDIENCIA, "aspirant:asp-01", "es el mismo"))
    decided = await desk.decide("copy", VALIDO)
    assert decided.published.status == SAME[0]  # republished, still a duplicate
    assert await backend.finals() == {"first": VALID, "copy": SAME}
    assert len(await events(backend, "copy")) == 2


async def test_a_confirmed_identity_theft_stops_the_support_counting(backend: Backend) -> None:
    desk = await desk_on(backend)
    await desk.verifier.verify(support(0, "a"))
    await desk.refer(Referral("a", Cause.SUPLANTACION, "citizen", "yo no lo di"))
    await desk.decide("a", rejected("SUPLANTACION"))
    assert await backend.finals() == {"a": ("INCONSISTENCIA", ("SUPLANTACION",))}


async def test_valid_waives_the_evidence_rules_but_not_the_registry(backend: Backend) -> None:
    desk = await desk_on(backend)
    await desk.verifier.verify_many(
        [support(0, "copy", flags=("PHOTOCOPY",)), support(CITIZENS, "absent", minutes=1)]
    )
    for sid in ("copy", "absent"):
        await desk.refer(Referral(sid, Cause.AUDIENCIA, "aspirant:asp-01", "revísenlo"))
        await desk.decide(sid, VALIDO)
    assert await backend.finals() == {"copy": VALID, "absent": ("NO_ENCONTRADO", ())}


async def test_what_is_not_on_the_desk_or_cannot_be_valid_is_refused(backend: Backend) -> None:
    desk = await desk_on(backend)
    unreadable = support(1, "unreadable", card=False, typed=None)
    unreadable = unreadable.model_copy(update={"form": unreadable.form.model_copy(
        update={"cic": None, "ocr": None, "clave_elector": None}
    )})  # fmt: skip
    await desk.verifier.verify_many([support(0, "a"), unreadable])
    with pytest.raises(NotOnDesk):
        await desk.decide("a", VALIDO)
    with pytest.raises(NotOnDesk):
        await desk.decide("nobody", VALIDO)
    assert (await backend.finals())["unreadable"][0] == "PENDIENTE_REVISION"
    with pytest.raises(InvalidDecision):
        await desk.decide("unreadable", VALIDO)
    await desk.decide("unreadable", rejected("ILEGIBLE"))
    assert (await backend.finals())["unreadable"] == ("INCONSISTENCIA", ("ILEGIBLE",))


async def test_a_valid_decision_without_the_process_cut_changes_nothing(
    backend: Backend,
) -> None:
    desk = await desk_on(backend)
    await desk.verifier.verify(support(0, "blurry", flags=("BLURRY",)))
    moved = PROCESS.model_copy(update={"cut": PROCESS.cut.replace(year=2020)})
    await desk.verifier.processes.save(moved)
    with pytest.raises(UnknownCut):
        await desk.decide("blurry", VALIDO)
    item = await desk.item("blurry")
    assert item is not None and item.open and item.decisions == ()
