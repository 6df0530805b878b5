"""Synthetic supports, records and processes for the verification tests."""

import hashlib
from collections.abc import Iterable
from datetime import datetime, timedelta

from apoyo.synthetic.mrz import mrz_fields as mrz
from apoyo.synthetic.people import Citizen
from apoyo_common.codes import Channel, EvidenceKind
from apoyo_common.credential import FieldCheck, MrzFields
from apoyo_common.messages import EvidenceFacts, IdentityDecoded, SupportForm
from apoyo_common.processes import ProcessDefinition
from apoyo_verification.lookup import Found, Path
from apoyo_verification.roll.rows import RollRow, validate
from tests.factories import NOW, process
from tests.roll_files import CUT, fields, people

KINDS = (EvidenceKind.CREDENTIAL_FRONT, EvidenceKind.CREDENTIAL_BACK, EvidenceKind.SIGNATURE)
PROCESS = process()


def person(index: int = 0) -> Citizen:
    return people(index + 1, seed=7)[index]


def record(who: Citizen, **changes: str) -> RollRow:
    typed = validate(fields(who, **changes), 2, CUT)
    assert isinstance(typed, RollRow), typed
    return typed


def found(who: Citizen, **changes: str) -> Found:
    return Found(record(who, **changes), Path.CARD)


def form(who: Citizen | None, **changes: object) -> SupportForm:
    typed = {} if who is None else {
        "apellido_paterno": who.apellido_paterno,
        "apellido_materno": who.apellido_materno,
        "nombre": who.nombre,
        "clave_elector": who.clave_elector,
        "ocr": who.ocr,
        "cic": who.cic,
        "emision": who.emision,
        "seccion": who.seccion,
    }  # fmt: skip
    return SupportForm.model_validate({**typed, "consent": True, **changes})


def facts(kinds: Iterable[EvidenceKind]) -> tuple[EvidenceFacts, ...]:
    digest = hashlib.sha256(b"x").hexdigest()
    return tuple(
        EvidenceFacts(
            kind=k, object_key=f"e/{k.value}", sha256=digest, bytes=1, matches_capture=True
        )
        for k in kinds
    )


def decoded(
    who: Citizen | None = None,
    *,
    support_id: str = "s-1",
    aspirant_id: str = "asp-01",
    read: MrzFields | None = None,
    card: bool = True,
    typed: SupportForm | None = None,
    flags: tuple[str, ...] = (),
    kinds: Iterable[EvidenceKind] = KINDS,
    checks: tuple[FieldCheck, ...] = (),
    received_at: datetime = NOW,
    channel: Channel = Channel.AUXILIAR,
    citizen_key: str | None = None,
) -> IdentityDecoded:
    """A support of `who` (typed and read off the card unless told otherwise)."""
    return IdentityDecoded(
        support_id=support_id,
        process_id=PROCESS.id,
        aspirant_id=aspirant_id,
        channel=channel,
        received_at=received_at,
        citizen_key=citizen_key or hashlib.sha256(repr(who).encode()).hexdigest()[:32],
        form=typed if typed is not None else form(who),
        evidence=facts(kinds),
        flags=flags,
        mrz=read if read is not None or who is None or not card else mrz(who),
        checks=checks,
        decoded_at=received_at + timedelta(seconds=1),
    )


def with_window(start: datetime, end: datetime) -> ProcessDefinition:
    capture = {"start": start, "end": end}
    return PROCESS.model_copy(update={"capture": PROCESS.capture.model_copy(update=capture)})
