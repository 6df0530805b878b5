"""The records of a package: one per support, in reception order, each chained to the last.

`chain = sha256(previous chain ‖ sha256(canonical JSON of the record))` over the record
without its `chain` field; the first record chains from 64 zeros. `seq` (the 1-based place in
reception order) is part of the record, so a removed, inserted or reordered record is named
by the verifier, not only detected.
"""

import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from apoyo_common.codes import EvidenceKind, Status
from apoyo_common.messages import SupportCaptured
from apoyo_common.signing import canonical_json
from apoyo_common.storage.keys import certificate_key

GENESIS = "0" * 64
FORM_FIELDS = (
    "apellido_paterno",
    "apellido_materno",
    "nombre",
    "clave_elector",
    "ocr",
    "cic",
    "emision",
    "seccion",
    "captured_at",
)
# Where the voter roll places the record found (support.verified's registry cell): codes only.
REGISTRY_FIELDS = ("entidad", "distrito_federal", "distrito_local", "municipio", "seccion")
KINDS = tuple(kind.value for kind in EvidenceKind)
EXTENSIONS = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp"}
COUNTED = frozenset({Status.EN_LISTA_NOMINAL.value})


@dataclass(frozen=True)
class Evidence:
    kind: str
    object_key: str
    sha256: str
    bytes: int
    content_type: str


@dataclass(frozen=True)
class Support:
    """What export knows of one support: its latest outcome and what capture stored."""

    support_id: str
    process_id: str
    aspirant_id: str
    channel: str
    received_at: datetime
    status: str
    reasons: tuple[str, ...]
    form: dict[str, Any]
    evidence: tuple[Evidence, ...]
    registry: dict[str, str] | None = None  # None: no record found (or notified before it)
    certificate: bytes | None = None  # from `support.captured` version 2; None: read the copy

    @property
    def certificate_key(self) -> str:
        """Where capture copied the signed certificate of a support whose `support.captured`
        is version 1 (or that was certified on its first request)."""
        return certificate_key(self.process_id, self.support_id)


def evidence_path(support_id: str, evidence: Evidence) -> str:
    extension = EXTENSIONS.get(evidence.content_type, "bin")
    return f"evidence/{support_id}/{evidence.kind}.{extension}"


def certificate_path(support_id: str) -> str:
    return f"certificates/{support_id}.json"


def record_of(support: Support, seq: int, certificate_sha256: str | None) -> dict[str, Any]:
    """The record as hashed: everything but `chain`."""
    return {
        "seq": seq,
        "support_id": support.support_id,
        "process_id": support.process_id,
        "aspirant_id": support.aspirant_id,
        "channel": support.channel,
        "received_at": support.received_at.isoformat(),
        "status": support.status,
        "reasons": list(support.reasons),
        "form": {name: support.form.get(name) for name in FORM_FIELDS},
        "registry": {name: (support.registry or {}).get(name) for name in REGISTRY_FIELDS},
        "evidence": [
            {"kind": e.kind, "path": evidence_path(support.support_id, e), "sha256": e.sha256}
            for e in sorted(support.evidence, key=lambda e: e.kind)
        ],
        "certificate_sha256": certificate_sha256,
    }


def record_sha256(record: dict[str, Any]) -> str:
    body = {name: value for name, value in record.items() if name != "chain"}
    return hashlib.sha256(canonical_json(body)).hexdigest()


def chained(previous: str, record: dict[str, Any]) -> str:
    return hashlib.sha256((previous + record_sha256(record)).encode()).hexdigest()


def counts(status: str) -> bool:
    return status in COUNTED


def form_of(captured: SupportCaptured | None) -> dict[str, Any]:
    """The form fields a record carries, from a `SupportCaptured` (None: not seen yet)."""
    if captured is None:
        return {}
    form = captured.form.model_dump(mode="json")
    return {name: form.get(name) for name in FORM_FIELDS}
