"""Identity's rules over one support: what the images say, which flags they raise, whose it is."""

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from apoyo_common.codes import EvidenceKind
from apoyo_common.credential import BarcodeRead, MrzFields
from apoyo_common.messages import EvidenceFacts, IdentityDecoded, SupportCaptured
from apoyo_common.topics import citizen_identity, citizen_key
from apoyo_identity.crosscheck import cross_checks
from apoyo_identity.findings import BACK, FRONT, Code, SupportFindings
from apoyo_identity.reuse import is_reuse
from apoyo_identity.rules.mrz import MrzRead

EVIDENCE_ALTERED = "EVIDENCE_HASH_MISMATCH"


@dataclass(frozen=True)
class Digest:
    """What identity keeps of an image once it is analysed: the bytes themselves can go."""

    sha256: str
    size: int


def digests(images: Mapping[EvidenceKind, bytes]) -> dict[EvidenceKind, Digest]:
    return {
        kind: Digest(hashlib.sha256(data).hexdigest(), len(data)) for kind, data in images.items()
    }


def measure(
    captured: SupportCaptured, images: Mapping[EvidenceKind, Digest], found: SupportFindings
) -> list[EvidenceFacts]:
    facts = []
    for ref in captured.evidence:
        digest = images[ref.kind]
        seen = found.get(ref.kind.value)
        facts.append(
            EvidenceFacts(
                kind=ref.kind,
                object_key=ref.object_key,
                sha256=digest.sha256,
                bytes=digest.size,
                matches_capture=digest.sha256 == ref.sha256 and digest.size == ref.bytes,
                phash=None if seen is None or seen.phash is None else f"{seen.phash:032x}",
            )
        )
    return facts


def card_mrz(found: SupportFindings) -> tuple[MrzRead | None, bool]:
    """The MRZ, and whether it came off the image sent as the front (sides swapped)."""
    back, front = found.get(BACK), found.get(FRONT)
    if back is not None and back.mrz is not None:
        return back.mrz, False
    if front is not None and front.mrz is not None:
        return front.mrz, True
    return None, False


def one_side_only(found: SupportFindings) -> bool:
    """One side of the card is missing, or both sides are the same picture sent twice."""
    front, back = found.get(FRONT), found.get(BACK)
    if front is None or back is None:
        return (front is None) != (back is None)
    return front.phash is not None and back.phash is not None and is_reuse(front.phash, back.phash)


def support_flags(
    found: SupportFindings, *, reused: bool, altered: bool = False
) -> tuple[str, ...]:
    """Every flag of a support: each picture's own, and those of the pictures together."""
    flags = {flag for image in found.images.values() for flag in image.flags}
    mrz, swapped = card_mrz(found)
    conditions = {
        EVIDENCE_ALTERED: altered,
        "NO_MRZ": found.get(BACK) is not None and mrz is None,
        "SIDES_SWAPPED": swapped,
        "ONLY_ONE_SIDE": one_side_only(found),
        "REUSED_IMAGE": reused,
    }
    return tuple(sorted(flags | {flag for flag, raised in conditions.items() if raised}))


def mrz_fields(read: MrzRead) -> MrzFields:
    return MrzFields(
        lines=read.lines,
        cic=read.cic,
        ocr=read.ocr,
        seccion=read.seccion,
        identificador=read.identificador,
        birth_date=read.birth_date,
        sex=read.sex,
        expiry=read.expiry,
        surnames=read.surnames,
        given_names=read.given_names,
    )


def barcode(code: Code) -> BarcodeRead:
    kind = code.kind if code.kind in ("INE_URL", "INE_DENSE", "APOYO") else "OTHER"
    text = None if kind == "INE_DENSE" else code.text
    return BarcodeRead(format=code.format, kind=kind, text=text)


def decode(
    captured: SupportCaptured,
    images: Mapping[EvidenceKind, Digest],
    found: SupportFindings,
    *,
    reused: bool,
    secret: bytes,
    now: datetime,
) -> IdentityDecoded:
    facts = measure(captured, images, found)
    mrz, _ = card_mrz(found)
    identity = citizen_identity(
        support_id=captured.support_id,
        ocr=mrz.ocr if mrz else captured.form.ocr,
        clave_elector=captured.form.clave_elector,
    )
    codes = [c for side in (FRONT, BACK) if (f := found.get(side)) for c in f.barcodes]
    return IdentityDecoded(
        **captured.envelope(),
        citizen_key=citizen_key(secret, captured.process_id, identity),
        form=captured.form,
        evidence=tuple(facts),
        flags=support_flags(
            found, reused=reused, altered=not all(f.matches_capture for f in facts)
        ),
        mrz=None if mrz is None else mrz_fields(mrz),
        barcodes=tuple(barcode(c) for c in codes),
        checks=cross_checks(captured.form, mrz),
        decoded_at=now,
    )
