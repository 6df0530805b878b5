"""Pure identity rules of the foundation: measure the stored evidence, key the citizen.

Reading the credential (MRZ, barcodes, evidence checks) comes with the identity issue; until
then the citizen is keyed by what was typed, and the only flag is evidence whose stored bytes
differ from what capture recorded.
"""

import hashlib
from collections.abc import Mapping
from datetime import datetime

from apoyo_common.codes import EvidenceKind
from apoyo_common.messages import EvidenceFacts, IdentityDecoded, SupportCaptured
from apoyo_common.topics import citizen_identity, citizen_key

EVIDENCE_ALTERED = "EVIDENCE_HASH_MISMATCH"


def measure(captured: SupportCaptured, images: Mapping[EvidenceKind, bytes]) -> list[EvidenceFacts]:
    facts = []
    for ref in captured.evidence:
        data = images[ref.kind]
        digest = hashlib.sha256(data).hexdigest()
        facts.append(
            EvidenceFacts(
                kind=ref.kind,
                object_key=ref.object_key,
                sha256=digest,
                bytes=len(data),
                matches_capture=digest == ref.sha256 and len(data) == ref.bytes,
            )
        )
    return facts


def decode(
    captured: SupportCaptured,
    images: Mapping[EvidenceKind, bytes],
    secret: bytes,
    now: datetime,
) -> IdentityDecoded:
    facts = measure(captured, images)
    identity = citizen_identity(
        support_id=captured.support_id,
        ocr=captured.form.ocr,
        clave_elector=captured.form.clave_elector,
    )
    flags = () if all(f.matches_capture for f in facts) else (EVIDENCE_ALTERED,)
    return IdentityDecoded(
        **captured.envelope(),
        citizen_key=citizen_key(secret, captured.process_id, identity),
        form=captured.form,
        evidence=tuple(facts),
        flags=flags,
        decoded_at=now,
    )
