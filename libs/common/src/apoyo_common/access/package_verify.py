"""`apoyo access-log verify FILE.zip`: an exported log checked offline. Problems, one a line:
`archivo alterado|faltante|agregado: PATH`, `firma no válida: manifest.sig`,
`llave inesperada: ...`, `manifiesto ilegible: ...`, `entrada ilegible: LOG línea N`, and
those of `verify.chain_problems` (altered, removed, repeated, out of order, cut short)."""

import hashlib
import json
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from apoyo_common.access.entries import Entry, entry_of
from apoyo_common.access.package import MANIFEST, PUBLIC_KEY, SIGNATURE, loads
from apoyo_common.access.verify import Head, chain_problems
from apoyo_common.signing import is_valid, key_id, load_public_pem


@dataclass
class Verdict:
    problems: list[str] = field(default_factory=list)
    entries: dict[str, int] = field(default_factory=dict)
    key_id: str | None = None

    @property
    def ok(self) -> bool:
        return not self.problems


def _signer(
    archive: zipfile.ZipFile, raw: bytes, pinned: Ed25519PublicKey | None
) -> tuple[list[str], str | None]:
    try:
        embedded: Ed25519PublicKey | None = load_public_pem(archive.read(PUBLIC_KEY))
    except (KeyError, ValueError):
        embedded = None
    found = []
    if pinned is not None and (embedded is None or key_id(embedded) != key_id(pinned)):
        shown = key_id(embedded) if embedded else "ninguna"
        found.append(f"llave inesperada: {PUBLIC_KEY} es {shown}, se esperaba {key_id(pinned)}")
    key = pinned or embedded
    signature = archive.read(SIGNATURE).decode("ascii", "replace").strip()
    if key is None or not is_valid(key, raw, signature):
        found.append(f"firma no válida: {SIGNATURE}")
    return found, key_id(key) if key else None


def _files(archive: zipfile.ZipFile, listed: list[Any]) -> list[str]:
    names, paths, found = set(archive.namelist()), set(), []
    for item in listed:
        path = str(item.get("path")) if isinstance(item, dict) else str(item)
        paths.add(path)
        if path not in names:
            found.append(f"archivo faltante: {path}")
        elif hashlib.sha256(archive.read(path)).hexdigest() != item.get("sha256"):
            found.append(f"archivo alterado: {path}")
    extra = sorted(names - paths - {MANIFEST, SIGNATURE})
    return found + [f"archivo agregado: {p}" for p in extra]


def _entries(archive: zipfile.ZipFile, name: str, path: str) -> tuple[list[Entry], list[str]]:
    entries, found = [], []
    with archive.open(path) as handle:
        for number, raw in enumerate(handle, start=1):
            try:
                entries.append(entry_of(json.loads(raw)))
            except (ValueError, KeyError, TypeError):
                found.append(f"entrada ilegible: {name} línea {number}")
    return entries, found


def _log_problems(archive: zipfile.ZipFile, log: dict[str, Any]) -> tuple[list[str], int]:
    name, path = str(log.get("log")), str(log.get("path"))
    if path not in archive.namelist():
        return [], 0  # already named missing among the files
    entries, found = _entries(archive, name, path)
    count = log.get("entries")
    expected = Head(count if isinstance(count, int) else -1, str(log.get("chain_head")))
    return found + chain_problems(name, entries, expected), len(entries)


def check(archive: zipfile.ZipFile) -> tuple[dict[str, Any], bytes] | Verdict:
    missing = [n for n in (MANIFEST, SIGNATURE) if n not in archive.namelist()]
    if missing:
        return Verdict([f"archivo faltante: {n}" for n in missing])
    raw = archive.read(MANIFEST)
    try:
        return loads(raw), raw
    except ValueError as error:
        return Verdict([f"manifiesto ilegible: {type(error).__name__}"])


def verify_package(package: Path, pinned: Ed25519PublicKey | None = None) -> Verdict:
    try:
        with zipfile.ZipFile(package) as archive:
            opened = check(archive)
            if isinstance(opened, Verdict):
                return opened
            manifest, raw = opened
            found, signer = _signer(archive, raw, pinned)
            found += _files(archive, manifest.get("files") or [])
            verdict = Verdict(found, {}, signer)
            for log in manifest.get("logs") or []:
                described = log if isinstance(log, dict) else {}
                problems, count = _log_problems(archive, described)
                verdict.problems += problems
                verdict.entries[str(described.get("log"))] = count
            return verdict
    except (zipfile.BadZipFile, OSError) as error:
        return Verdict([f"paquete ilegible: {package.name}: {type(error).__name__}"])
