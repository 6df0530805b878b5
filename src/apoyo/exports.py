"""`apoyo export verify`: a package checked offline, the same check the demo runs."""

from pathlib import Path

from apoyo_common.signing import load_public_pem
from apoyo_export.verify import Verdict, verify_package


def verify_file(package: Path, public_key: Path | None = None) -> Verdict:
    try:
        pinned = load_public_pem(public_key.read_bytes()) if public_key else None
    except ValueError:
        return Verdict([f"llave ilegible: {public_key} no es una llave pública Ed25519 en PEM"])
    return verify_package(package, pinned)


def ok_line(verdict: Verdict, pinned: bool) -> str:
    if pinned:
        return verdict.summary()
    return f"{verdict.summary()} Fije la llave del instituto con --public-key."
