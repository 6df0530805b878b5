"""Builders of synthetic events and requests shared by the tests."""

import hashlib
from datetime import UTC, datetime

from apoyo.synthetic.people import Citizen, make_citizens
from apoyo_common.codes import Channel, EvidenceKind, Status
from apoyo_common.messages import (
    EvidenceRef,
    IdentityDecoded,
    SupportCaptured,
    SupportForm,
    SupportVerified,
)
from apoyo_common.processes import ProcessDefinition
from apoyo_identity.domain import decode, digests
from apoyo_identity.findings import SupportFindings

NOW = datetime(2026, 12, 20, 17, 31, tzinfo=UTC)
JPEG = b"\xff\xd8\xff\xe0" + b"synthetic-jpeg" * 10
PNG = b"\x89PNG\r\n\x1a\n" + b"synthetic-png" * 10


def citizen(index: int = 0) -> Citizen:
    return make_citizens(index + 1, seed=7)[index]


def process(require_selfie: bool = False, process_id: str = "gub-son-2027") -> ProcessDefinition:
    return ProcessDefinition.model_validate(
        {
            "id": process_id,
            "name": "Gubernatura de prueba",
            "office": "GUBERNATURA",
            "territory": {"entidad": "26"},
            "cut": "2026-08-31",
            "threshold_pct": 3.0,
            "capture": {"start": "2026-12-15T00:00:00-07:00", "end": "2027-01-23T23:59:59-07:00"},
            "require_selfie": require_selfie,
            "aspirants": [{"id": "asp-01", "name": "Uno"}, {"id": "asp-02", "name": "Dos"}],
        }
    )


def evidence(support_id: str, kind: EvidenceKind, data: bytes) -> EvidenceRef:
    return EvidenceRef(
        kind=kind,
        object_key=f"evidence/gub-son-2027/{support_id}/{kind.value}.jpg",
        sha256=hashlib.sha256(data).hexdigest(),
        bytes=len(data),
        content_type="image/jpeg",
    )


def captured(support_id: str = "s-1", person: Citizen | None = None) -> SupportCaptured:
    person = person or citizen()
    return SupportCaptured(
        support_id=support_id,
        process_id="gub-son-2027",
        aspirant_id="asp-01",
        channel=Channel.AUXILIAR,
        received_at=NOW,
        captured_by="aux-1",
        form=SupportForm(
            nombre=person.nombre,
            apellido_paterno=person.apellido_paterno,
            clave_elector=person.clave_elector,
            ocr=person.ocr,
            consent=True,
            email="persona@example.org",
        ),
        evidence=tuple(
            evidence(support_id, k, JPEG)
            for k in (EvidenceKind.CREDENTIAL_FRONT, EvidenceKind.CREDENTIAL_BACK)
        ),
    )


def identity_decoded(
    event: SupportCaptured,
    images: dict[EvidenceKind, bytes] | None = None,
    secret: bytes = b"k",
    now: datetime = NOW,
    found: SupportFindings | None = None,
) -> IdentityDecoded:
    """identity.decoded for an event whose images were stored as captured and read nothing."""
    images = images if images is not None else {ref.kind: JPEG for ref in event.evidence}
    found = found if found is not None else SupportFindings()
    return decode(event, digests(images), found, reused=False, secret=secret, now=now)


def verified(
    decoded: IdentityDecoded, now: datetime = NOW, status: Status = Status.EN_LISTA_NOMINAL
) -> SupportVerified:
    """support.verified for a decoded support, with the status given."""
    return SupportVerified(
        **decoded.envelope(), status=status, email=decoded.form.email, verified_at=now
    )
