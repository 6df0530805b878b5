"""Pure capture rules: the request a client sends, its evidence files, its fingerprint."""

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property
from typing import Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from apoyo_common.codes import Channel, EvidenceKind
from apoyo_common.messages import EvidenceRef, SupportCaptured, SupportForm
from apoyo_common.text import PersonText

REQUIRED_EVIDENCE = (
    EvidenceKind.CREDENTIAL_FRONT,
    EvidenceKind.CREDENTIAL_BACK,
    EvidenceKind.SIGNATURE,
)


class SupportRequest(BaseModel):
    """The `data` part of `POST /v1/supports` (interfaces.md §5)."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    process_id: str = Field(min_length=1, max_length=64)
    aspirant_id: str = Field(min_length=1, max_length=64)
    channel: Channel
    apellido_paterno: PersonText | None = Field(default=None, max_length=100)
    apellido_materno: PersonText | None = Field(default=None, max_length=100)
    nombre: PersonText | None = Field(default=None, max_length=100)
    clave_elector: str | None = Field(
        default=None, pattern=r"^[A-Za-z]{6}[0-9]{8}[HMXhmx][0-9]{3}$"
    )
    ocr: str | None = Field(default=None, pattern=r"^[0-9]{13}$")
    cic: str | None = Field(default=None, pattern=r"^[0-9]{9}$")
    emision: str | None = Field(default=None, pattern=r"^[0-9]{2}$")
    seccion: str | None = Field(default=None, pattern=r"^[0-9]{4}$")
    email: PersonText | None = Field(
        default=None, pattern=r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]+$", max_length=254
    )
    captured_at: AwareDatetime | None = None
    consent: Literal[True]
    consent_sha256: str | None = Field(default=None, pattern=r"^[0-9a-f]{64}$")

    def form(self) -> SupportForm:
        fields = self.model_dump(exclude={"process_id", "aspirant_id", "channel", "consent_sha256"})
        return SupportForm.model_validate(fields)


@dataclass(frozen=True)
class EvidenceFile:
    kind: EvidenceKind
    data: bytes
    content_type: str
    extension: str

    @cached_property
    def sha256(self) -> str:  # asked for by the fingerprint and the event: hashed once
        return hashlib.sha256(self.data).hexdigest()


def fingerprint(request: SupportRequest, files: list[EvidenceFile]) -> str:
    """What makes two requests 'the same body' for the Idempotency-Key rule."""
    canonical = {
        "data": request.model_dump(mode="json"),
        "files": sorted((f.kind.value, f.sha256) for f in files),
    }
    encoded = json.dumps(canonical, sort_keys=True, separators=(",", ":")).encode()
    return hashlib.sha256(encoded).hexdigest()


def object_key(process_id: str, support_id: str, evidence: EvidenceFile) -> str:
    return f"evidence/{process_id}/{support_id}/{evidence.kind.value}.{evidence.extension}"


def captured_event(
    *,
    support_id: str,
    request: SupportRequest,
    files: list[EvidenceFile],
    captured_by: str,
    received_at: datetime,
) -> SupportCaptured:
    refs = tuple(
        EvidenceRef(
            kind=f.kind,
            object_key=object_key(request.process_id, support_id, f),
            sha256=f.sha256,
            bytes=len(f.data),
            content_type=f.content_type,
        )
        for f in files
    )
    return SupportCaptured(
        support_id=support_id,
        process_id=request.process_id,
        aspirant_id=request.aspirant_id,
        channel=request.channel,
        received_at=received_at,
        captured_by=captured_by,
        form=request.form(),
        evidence=refs,
    )
