"""The signed record of a purge: what was destroyed, what was kept, signed by the institute.

The record is canonical JSON (apoyo_common.signing) with an Ed25519 signature over every
field but `signature`; `signing_key_id` names the key. It names no person: counts, the
process, the time, and the aggregates the purge leaves.
"""

from datetime import datetime
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from apoyo_common.processes import ProcessDefinition
from apoyo_common.signing import ALGORITHM, canonical_json, is_valid, key_id, sign

KIND = "apoyo.process.purge"


def purge_record(
    definition: ProcessDefinition,
    purged_at: datetime,
    destroyed: dict[str, object],
    kept: list[dict[str, object]],
    key: Ed25519PrivateKey,
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "kind": KIND,
        "version": 1,
        "process_id": definition.id,
        "process_name": definition.name,
        "capture_end": definition.capture.end.isoformat(),
        "purged_at": purged_at.isoformat(),
        "destroyed": destroyed,
        "kept": {"supports_by_aspirant_and_status": kept},
        "algorithm": ALGORITHM,
        "signing_key_id": key_id(key.public_key()),
    }
    return {**body, "signature": sign(key, canonical_json(body))}


def is_authentic(record: dict[str, Any], public: Ed25519PublicKey) -> bool:
    """The record as signed, by this key."""
    body = {k: v for k, v in record.items() if k != "signature"}
    signature = record.get("signature")
    return isinstance(signature, str) and is_valid(public, canonical_json(body), signature)
