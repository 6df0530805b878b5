"""The certificate (constancia) of a support: what happened, when, to which bytes, signed.

The document is canonical JSON (sorted keys, no spaces, UTF-8) of
`{"format", "certificate", "signature"}`; the signature is Ed25519 over the canonical JSON of
`certificate`. Because the file itself must be canonical, any changed byte is found: either
the JSON, its canonical form, the envelope or the signature no longer holds.
"""

import base64
import binascii
import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from apoyo_capture.grants import Grant, GrantKind
from apoyo_common.messages import SupportCaptured
from apoyo_common.signing import (
    ALGORITHM,
    canonical_json,
    is_valid,
    key_id,
    public_from_raw,
    public_raw,
    sign,
)

FORMAT = "apoyo-certificate/1"
_ENVELOPE = {"format", "certificate", "signature"}
_SIGNATURE = {"algorithm", "key_id", "public_key", "value"}


@dataclass(frozen=True)
class Submission:
    """What the request told about itself, kept with the support for its certificate."""

    ip: str | None = None
    user_agent: str | None = None
    consent_sha256: str | None = None
    grant_id: str | None = None


def utc(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _email(event: SupportCaptured, grant: Grant | None) -> dict[str, Any]:
    if grant is None:
        return {"address": event.form.email, "verified_by": None}
    method = "CODIGO_UNICO" if grant.kind is GrantKind.AUTOSERVICIO else "ENLACE_DE_INVITACION"
    return {"address": grant.email, "verified_by": method}


def _events(event: SupportCaptured, grant: Grant | None) -> dict[str, str | None]:
    invited = grant.created_at if grant and grant.kind is GrantKind.INVITACION else None
    verified = None
    if grant is not None:
        # An invitation's address is proven by using the link it carried, at submission.
        verified = grant.email_verified_at or event.received_at
    return {
        "invited_at": utc(invited),
        "opened_at": utc(grant.opened_at if grant else None),
        "email_verified_at": utc(verified),
        "submitted_at": utc(event.form.captured_at),
        "received_at": utc(event.received_at),
    }


def certificate_body(
    event: SupportCaptured, submission: Submission, grant: Grant | None, issued_at: datetime
) -> dict[str, Any]:
    return {
        "support_id": event.support_id,
        "process_id": event.process_id,
        "aspirant_id": event.aspirant_id,
        "channel": event.channel.value,
        "captured_by": event.captured_by,
        "email": _email(event, grant),
        "client": {"ip": submission.ip, "user_agent": submission.user_agent},
        "events": _events(event, grant),
        "evidence": [
            {"kind": e.kind.value, "sha256": e.sha256, "bytes": e.bytes}
            for e in sorted(event.evidence, key=lambda e: e.kind.value)
        ],
        "consent": {"sha256": submission.consent_sha256},
        "issued_at": utc(issued_at),
    }


def sign_certificate(body: dict[str, Any], key: Ed25519PrivateKey) -> bytes:
    """The certificate file: canonical JSON bytes of the signed document."""
    public = key.public_key()
    signature = {
        "algorithm": ALGORITHM,
        "key_id": key_id(public),
        "public_key": base64.b64encode(public_raw(public)).decode(),
        "value": sign(key, canonical_json(body)),
    }
    return canonical_json({"format": FORMAT, "certificate": body, "signature": signature})


def certificate_problems(
    document: bytes,
    pinned: Ed25519PublicKey | None = None,
    evidence: dict[str, bytes] | None = None,
) -> list[str]:
    """Every problem found, one Spanish sentence each; empty when the certificate holds."""
    try:
        parsed = json.loads(document.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        return ["el archivo no es JSON válido"]
    if not isinstance(parsed, dict) or set(parsed) != _ENVELOPE:
        return ["el archivo no tiene la forma de una constancia"]
    problems = [] if canonical_json(parsed) == document else ["el archivo fue reescrito"]
    if parsed["format"] != FORMAT:
        problems.append(f"formato desconocido: {parsed['format']!r}")
    problems += _signature_problems(parsed["certificate"], parsed["signature"], pinned)
    if evidence is not None and isinstance(parsed["certificate"], dict):
        problems += evidence_problems(parsed["certificate"], evidence)
    return problems


def _signature_problems(body: Any, signature: Any, pinned: Ed25519PublicKey | None) -> list[str]:
    if not isinstance(signature, dict) or set(signature) != _SIGNATURE:
        return ["la firma está incompleta"]
    if signature["algorithm"] != ALGORITHM:
        return [f"algoritmo de firma desconocido: {signature['algorithm']!r}"]
    try:
        if not _canonical_base64(signature["public_key"]):
            raise ValueError("base64 with stray padding bits")
        embedded = public_from_raw(base64.b64decode(signature["public_key"], validate=True))
    except (ValueError, TypeError, binascii.Error):
        return ["la llave pública de la constancia no es válida"]
    problems = []
    if signature["key_id"] != key_id(embedded):
        problems.append("el identificador de llave no corresponde a la llave")
    key = pinned or embedded
    if pinned is not None and key_id(pinned) != key_id(embedded):
        problems.append("la constancia no está firmada con la llave indicada")
    if not _canonical_base64(signature["value"]) or not is_valid(
        key, canonical_json(body), signature["value"]
    ):
        problems.append("la firma no corresponde al contenido")
    return problems


def _canonical_base64(text: Any) -> bool:
    """Base64 decoders ignore the padding bits of the last character: two texts decode to the
    same key or signature. Only the one encoding counts, so any changed byte is found."""
    try:
        decoded = base64.b64decode(text, validate=True) if isinstance(text, str) else None
    except (ValueError, binascii.Error):
        return False
    return decoded is not None and base64.b64encode(decoded).decode() == text


def evidence_problems(body: dict[str, Any], evidence: dict[str, bytes]) -> list[str]:
    listed = {e.get("kind"): e for e in body.get("evidence", []) if isinstance(e, dict)}
    problems = []
    for kind, entry in sorted(listed.items()):
        data = evidence.get(str(kind))
        if data is None:
            problems.append(f"{kind}: falta la imagen")
        elif hashlib.sha256(data).hexdigest() != entry.get("sha256"):
            problems.append(f"{kind}: la imagen no es la certificada")
    problems += [
        f"{k}: imagen que la constancia no menciona" for k in sorted(set(evidence) - set(listed))
    ]
    return problems
