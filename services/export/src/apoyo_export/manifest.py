"""The manifest of a package and its signature (interfaces.md §6)."""

import json
from dataclasses import dataclass
from datetime import datetime
from typing import IO, Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from apoyo_common.signing import canonical_json, key_id, sign

FORMAT = "apoyo-export/1"
MANIFEST, SIGNATURE, PUBLIC_KEY = "manifest.json", "manifest.sig", "public_key.pem"
SUPPORTS_JSONL, SUPPORTS_CSV = "supports.jsonl", "supports.csv"
HEARING_CSV, SUMMARY = "hearing.csv", "summary.json"
UNLISTED = frozenset({MANIFEST, SIGNATURE})  # the manifest cannot list itself or its signature


@dataclass(frozen=True)
class PackageMeta:
    export_id: str
    process_id: str
    aspirant_id: str
    cut: str | None
    created_at: datetime


def manifest_bytes(
    meta: PackageMeta, supports: int, chain_head: str, key: Ed25519PrivateKey, files: IO[bytes]
) -> bytes:
    """Canonical JSON; `files` holds one canonical `{"bytes","path","sha256"}` per line, in the
    order they were written, and is spliced in rather than parsed (it can be large)."""
    head: dict[str, Any] = {
        "format": FORMAT,
        "export_id": meta.export_id,
        "process_id": meta.process_id,
        "aspirant_id": meta.aspirant_id,
        "cut": meta.cut,
        "created_at": meta.created_at.isoformat(),
        "supports": supports,
        "chain_head": chain_head,
        "key_id": key_id(key.public_key()),
        "files": [],
    }
    files.seek(0)
    listed = b",".join(line.rstrip(b"\n") for line in files)
    before, after = canonical_json(head).split(b'"files":[]', 1)
    return before + b'"files":[' + listed + b"]" + after


def file_entry(path: str, sha256: str, size: int) -> bytes:
    return canonical_json({"bytes": size, "path": path, "sha256": sha256}) + b"\n"


def signature_of(manifest: bytes, key: Ed25519PrivateKey) -> bytes:
    return sign(key, manifest).encode()


def parse(manifest: bytes) -> dict[str, Any]:
    value = json.loads(manifest.decode("utf-8"))
    if not isinstance(value, dict):
        raise ValueError("not an object")
    return value
