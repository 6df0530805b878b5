"""The verifier on a batch: one roll query per path, outcomes as if judged one by one."""

from datetime import timedelta

import pytest

from apoyo_common.codes import Status
from apoyo_common.topics import citizen_identity, citizen_key
from apoyo_verification.adapters.book_memory import InMemoryProcesses, InMemorySupportBook
from apoyo_verification.book import UnknownProcess
from apoyo_verification.lookup import Found, Path
from apoyo_verification.service import Verifier, person_key
from tests.factories import NOW
from tests.unit.verification.cases import PROCESS, decoded, form, person, record
from tests.unit.verification.test_lookup import CountingRoll, loaded


async def verifier(roll: CountingRoll) -> Verifier:
    return Verifier(
        roll,
        InMemoryProcesses({PROCESS.id: PROCESS}),
        InMemorySupportBook(),
        lambda: NOW,
        b"test-citizen-secret",
    )


async def test_a_batch_costs_one_query_per_path_and_settles_its_duplicates() -> None:
    roll = await loaded([record(person(i)) for i in range(3)])
    later = NOW + timedelta(minutes=5)
    batch = [
        decoded(person(0), support_id="late", received_at=later),
        decoded(person(1), support_id="copy", flags=("PHOTOCOPY",)),
        decoded(person(2), support_id="valid"),
        decoded(person(0), support_id="early", aspirant_id="asp-02"),
        decoded(person(5), support_id="unknown"),
    ]
    judge = await verifier(roll)
    outcomes = await judge.verify_many(batch)
    assert [o.published.status for o in outcomes] == [
        Status.EN_LISTA_NOMINAL,  # counted until the earlier one arrived
        Status.INCONSISTENCIA,
        Status.EN_LISTA_NOMINAL,
        Status.EN_LISTA_NOMINAL,
        Status.NO_ENCONTRADO,
    ]
    assert isinstance(judge.book, InMemorySupportBook)
    assert judge.book.outcomes["late"].final.status is Status.DUPLICADO_OTRO_ASPIRANTE
    # "unknown" was also looked for by clave, emisión and OCR, then by clave alone.
    assert roll.calls == ["card", "clave_emision_ocr", "clave"]


async def test_a_batch_with_an_unknown_process_records_nothing() -> None:
    roll = await loaded([record(person(0))])
    judge = await verifier(roll)
    stray = decoded(person(0), support_id="b").model_copy(update={"process_id": "otro"})
    with pytest.raises(UnknownProcess):
        await judge.verify_many([decoded(person(0)), stray])
    assert isinstance(judge.book, InMemorySupportBook) and judge.book.outcomes == {}


def test_a_found_support_is_keyed_as_identity_keys_a_card_read() -> None:
    """The person key of a record is the citizen key identity gives a support whose card's
    OCR was read, so nothing changes for those; without a record it is the message's key."""
    secret, who = b"shared-citizen-secret", person(2)
    identity = citizen_identity(support_id="s-1", ocr=who.ocr, clave_elector=who.clave_elector)
    typed_only = decoded(who, card=False, typed=form(who, ocr=None, cic=None, emision=None))
    found = Found(record(who), Path.CLAVE)
    assert person_key(secret, typed_only, found) == citizen_key(secret, PROCESS.id, identity)
    assert person_key(secret, typed_only, None) == typed_only.citizen_key
