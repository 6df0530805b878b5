"""`apoyo export verify`: a package checked offline, every problem named on its own line.

Problem kinds (docs/export.md): `archivo alterado|faltante|agregado: PATH`,
`registro alterado|insertado|fuera de orden|ilegible: TABLE línea N`,
`registro eliminado: TABLE número N`, `firma no válida: manifest.sig`,
`llave inesperada: …`, `cadena no coincide: …`, `manifiesto ilegible: …`.
"""

import base64
import binascii
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from apoyo_common.signing import is_valid, key_id, load_public_pem
from apoyo_export import manifest as m
from apoyo_export.entries import entry_sha256s
from apoyo_export.verify_records import check_csv, check_jsonl, loads_manifest


@dataclass
class Verdict:
    problems: list[str] = field(default_factory=list)
    supports: int = 0
    key_id: str | None = None

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        return f"Paquete íntegro: {self.supports} apoyos, firma válida (llave {self.key_id})."


def _key(archive: zipfile.ZipFile, names: set[str]) -> Ed25519PublicKey | None:
    if m.PUBLIC_KEY not in names:
        return None
    try:
        return load_public_pem(archive.read(m.PUBLIC_KEY))
    except ValueError:
        return None


def signature_problems(
    archive: zipfile.ZipFile, manifest: bytes, names: set[str], pinned: Ed25519PublicKey | None
) -> tuple[list[str], str | None]:
    embedded = _key(archive, names)
    found = []
    if embedded is None and m.PUBLIC_KEY in names:
        found.append(f"llave ilegible: {m.PUBLIC_KEY}")
    if pinned is not None and (embedded is None or key_id(embedded) != key_id(pinned)):
        shown = key_id(embedded) if embedded else "ninguna"
        found.append(f"llave inesperada: {m.PUBLIC_KEY} es {shown}, se esperaba {key_id(pinned)}")
    key = pinned or embedded
    signature = archive.read(m.SIGNATURE).decode("ascii", "replace").strip()
    if key is not None and not (_canonical_b64(signature) and is_valid(key, manifest, signature)):
        found.append(f"firma no válida: {m.SIGNATURE}")
    return found, key_id(key) if key else None


def _canonical_b64(text: str) -> bool:
    try:
        return base64.b64encode(base64.b64decode(text, validate=True)).decode() == text
    except (ValueError, binascii.Error):
        return False


def file_problems(listed: list[Any], hashes: dict[str, str]) -> list[str]:
    found, paths, names = [], set(), set(hashes)
    for item in listed:
        path = str(item.get("path")) if isinstance(item, dict) else str(item)
        paths.add(path)
        if path not in names:
            found.append(f"archivo faltante: {path}")
        elif not isinstance(item, dict) or hashes[path] != item.get("sha256"):
            found.append(f"archivo alterado: {path}")
    found += [f"archivo agregado: {p}" for p in sorted(names - paths - m.UNLISTED)]
    return found


def record_problems(
    archive: zipfile.ZipFile, manifest: dict[str, Any], names: set[str]
) -> list[str]:
    total = manifest.get("supports")
    if not isinstance(total, int) or m.SUPPORTS_JSONL not in names:
        return []
    with archive.open(m.SUPPORTS_JSONL) as handle:
        records = check_jsonl(handle, total)
    found = [text for _, text in records.found]
    if m.SUPPORTS_CSV in names:
        with archive.open(m.SUPPORTS_CSV) as handle:
            found += [text for _, text in check_csv(handle, total, records.rows)]
    if not records.found and records.chain_head != manifest.get("chain_head"):
        found.append(f"cadena no coincide: {m.SUPPORTS_JSONL} no termina en chain_head")
    return found


def check(archive: zipfile.ZipFile, package: Path, pinned: Ed25519PublicKey | None) -> Verdict:
    names = set(archive.namelist())
    missing = [f"archivo faltante: {n}" for n in (m.MANIFEST, m.SIGNATURE) if n not in names]
    if missing:
        return Verdict(missing)
    raw = archive.read(m.MANIFEST)
    try:
        manifest = loads_manifest(raw)
    except ValueError as error:
        return Verdict([f"manifiesto ilegible: {type(error).__name__}"])
    found, signer = signature_problems(archive, raw, names, pinned)
    listed = manifest.get("files")
    hashes = entry_sha256s(archive, package)
    found += file_problems(listed if isinstance(listed, list) else [], hashes)
    found += record_problems(archive, manifest, names)
    supports = manifest.get("supports")
    return Verdict(found, supports if isinstance(supports, int) else 0, signer)


def verify_package(package: Path, pinned: Ed25519PublicKey | None = None) -> Verdict:
    try:
        with zipfile.ZipFile(package) as archive:
            return check(archive, package, pinned)
    except (zipfile.BadZipFile, OSError) as error:
        return Verdict([f"paquete ilegible: {package.name}: {type(error).__name__}"])
