"""One frozen, versioned pydantic model per topic.

Events carry references (object keys, hashes), never image bytes. Every model names its
`schema_version`; a change that breaks readers gets a new version and a new model.
"""

from datetime import date, datetime
from typing import Any, Literal, Self

from pydantic import AwareDatetime, Field, model_validator

from apoyo_common.codes import Channel, EvidenceKind, Status
from apoyo_common.credential import BarcodeRead, FieldCheck, MrzFields
from apoyo_common.messages_base import Contract


class SupportForm(Contract):
    """What a person typed on the form; every identity field is optional (§5)."""

    apellido_paterno: str | None = None
    apellido_materno: str | None = None
    nombre: str | None = None
    clave_elector: str | None = None
    ocr: str | None = None
    cic: str | None = None
    emision: str | None = None
    seccion: str | None = None
    email: str | None = None
    captured_at: AwareDatetime | None = None
    consent: bool


class EvidenceRef(Contract):
    kind: EvidenceKind
    object_key: str
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    bytes: int = Field(ge=0)
    content_type: str


class SupportEnvelope(Contract):
    """Fields every pipeline event carries, so any consumer can file and order a support."""

    support_id: str
    process_id: str
    aspirant_id: str
    channel: Channel
    received_at: AwareDatetime

    def envelope(self) -> dict[str, Any]:
        """The fields the next event of the same support carries over unchanged."""
        names = CitizenEvent.model_fields if isinstance(self, CitizenEvent) else _ENVELOPE
        return {name: getattr(self, name) for name in names}


class CitizenEvent(SupportEnvelope):
    """Events from identity on are keyed by the citizen key (see `topics.citizen_key`)."""

    citizen_key: str = Field(pattern=r"^[0-9a-f]{32}$")


_ENVELOPE = tuple(SupportEnvelope.model_fields)


class SupportCaptured(SupportEnvelope):
    """Version 2 carries the support's signed certificate file (canonical JSON, the exact
    bytes capture serves, as text); a version 1 event's certificate is at
    `storage.keys.certificate_key` in object storage, or nowhere yet."""

    topic: Literal["support.captured"] = "support.captured"
    schema_version: Literal[1, 2] = 1
    captured_by: str
    form: SupportForm
    evidence: tuple[EvidenceRef, ...]
    certificate: str | None = None

    @model_validator(mode="after")
    def _certificate_by_version(self) -> Self:
        if (self.schema_version == 2) != (self.certificate is not None):
            raise ValueError("a certificate comes with schema_version 2, and only with it")
        return self

    def carrying(self, certificate: bytes) -> "SupportCaptured":
        """The version 2 event: this one with its certificate file."""
        text = certificate.decode()
        return self.model_copy(update={"schema_version": 2, "certificate": text})

    @property
    def certificate_bytes(self) -> bytes | None:
        return None if self.certificate is None else self.certificate.encode()


class EvidenceFacts(Contract):
    """What identity measured of one stored image."""

    kind: EvidenceKind
    object_key: str
    sha256: str
    bytes: int
    matches_capture: bool
    phash: str | None = None  # 128-bit perceptual hash, hex: the same picture sent again


class IdentityDecoded(CitizenEvent):
    topic: Literal["identity.decoded"] = "identity.decoded"
    schema_version: Literal[1] = 1
    form: SupportForm
    evidence: tuple[EvidenceFacts, ...]
    flags: tuple[str, ...] = ()
    mrz: MrzFields | None = None
    barcodes: tuple[BarcodeRead, ...] = ()
    checks: tuple[FieldCheck, ...] = ()
    decoded_at: AwareDatetime


class RollCell(Contract):
    """Where the voter roll places the record a support was found in: its geography cell, the
    registry fields a package carries. Codes only: no name, no clave."""

    entidad: str
    distrito_federal: str
    distrito_local: str
    municipio: str
    seccion: str


class SupportVerified(CitizenEvent):
    topic: Literal["support.verified"] = "support.verified"
    schema_version: Literal[1] = 1
    status: Status
    reasons: tuple[str, ...] = ()
    email: str | None = None
    verified_at: AwareDatetime
    registry: RollCell | None = None  # the roll's cell of the record found; None: none found


class SupportNotified(CitizenEvent):
    topic: Literal["support.notified"] = "support.notified"
    schema_version: Literal[1] = 1
    status: Status
    reasons: tuple[str, ...] = ()
    messages_sent: int = Field(ge=0)
    notified_at: AwareDatetime
    registry: RollCell | None = None  # passed on from `support.verified`


class SupportExported(CitizenEvent):
    topic: Literal["support.exported"] = "support.exported"
    schema_version: Literal[1] = 1
    status: Status
    record_sha256: str
    exported_at: AwareDatetime


class ProcessCells(Contract):
    """What export needs of a process's voter-roll cut to compute its summary: the territory's
    `LN` records, and those of each unit of its dispersion rule (`thresholds.unit_of` names,
    empty without a rule). Keyed by the process id; the latest one replaces the others."""

    topic: Literal["process.cells"] = "process.cells"
    schema_version: Literal[1] = 1
    process_id: str
    cut: date
    unit: str | None = None  # the dispersion unit `ln_by_unit` counts by
    ln_total: int = Field(ge=0)
    ln_by_unit: dict[str, int] = Field(default_factory=dict)
    computed_at: AwareDatetime


class DeadLetter(Contract):
    """A message a service gave up on, with why; the payload is kept verbatim for replay."""

    topic: Literal["dead-letter"] = "dead-letter"
    schema_version: Literal[1] = 1
    source_topic: str
    service: str
    payload: str
    reason: str
    attempts: int
    failed_at: datetime


class InvitationCreated(Contract):
    """Capture asks notification to e-mail an invitation link (personal data: the address,
    and a bearer link; never logged, kept no longer than delivery needs)."""

    topic: Literal["invitation.created"] = "invitation.created"
    schema_version: Literal[1] = 1
    invitation_id: str
    process_id: str
    aspirant_id: str
    aspirant_name: str
    email: str
    link: str
    expires_at: AwareDatetime


class EmailCodeRequested(Contract):
    """A one-time code to e-mail (personal data: the address and the code). `AUTOSERVICIO`:
    capture proves an address before a self-service support; `CONSULTA`: verification lets a
    citizen see the supports registered under their clave (the process and aspirant are then
    those of the support that gave the address; the letter names neither)."""

    topic: Literal["email.code.requested"] = "email.code.requested"
    schema_version: Literal[1] = 1
    purpose: Literal["AUTOSERVICIO", "CONSULTA"] = "AUTOSERVICIO"
    request_id: str
    process_id: str
    aspirant_id: str
    aspirant_name: str
    email: str
    code: str
    expires_at: AwareDatetime
