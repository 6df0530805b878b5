"""`apoyo certificate verify`: a support's certificate checked offline, with its images."""

from pathlib import Path

from apoyo_capture.certificate import certificate_problems
from apoyo_common.codes import EvidenceKind
from apoyo_common.signing import load_public_pem

KINDS = {kind.value for kind in EvidenceKind}


def evidence_in(folder: Path) -> dict[str, bytes]:
    """The images in a folder named by their kind (`credential_front.jpg`, …), as export
    lays them out under `evidence/<support_id>/`."""
    return {
        path.stem: path.read_bytes()
        for path in sorted(folder.iterdir())
        if path.is_file() and path.stem in KINDS
    }


def verify_file(
    certificate: Path, public_key: Path | None = None, evidence: Path | None = None
) -> list[str]:
    """One line per problem; empty when the certificate (and the images given) hold."""
    try:
        pinned = load_public_pem(public_key.read_bytes()) if public_key else None
    except ValueError:
        return [f"{public_key}: no es una llave pública Ed25519 en PEM"]
    images = evidence_in(evidence) if evidence else None
    return [
        f"{certificate}: {p}"
        for p in certificate_problems(certificate.read_bytes(), pinned, images)
    ]
