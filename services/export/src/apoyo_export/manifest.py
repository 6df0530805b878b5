"""The manifest of a package and its signature (interfaces.md §6)."""

import base64
import json
from dataclasses import dataclass
from datetime import datetime
from typing import IO, Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from apoyo_common.signing import canonical_json, key_id

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
) -> bytearray:
    """Canonical JSON; `files` holds one canonical `{"bytes","path","sha256"}` per line, in the
    order they were written, and is spliced in, chunk by chunk, rather than parsed: for
    100,000 supports the manifest is about 50 MB, and it is held once (Ed25519 signs the whole
    message, so it cannot be streamed)."""
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
    before, after = canonical_json(head).split(b'"files":[]', 1)
    manifest = bytearray(before + b'"files":[')
    files.seek(0)
    while chunk := files.read(1 << 20):
        manifest += chunk.replace(b"\n", b",")
    if manifest.endswith(b","):
        del manifest[-1]
    manifest += b"]" + after
    return manifest


def file_entry(path: str, sha256: str, size: int) -> bytes:
    return canonical_json({"bytes": size, "path": path, "sha256": sha256}) + b"\n"


def signature_of(manifest: bytes | bytearray, key: Ed25519PrivateKey) -> bytes:
    """Base64 of the Ed25519 signature (`apoyo_common.signing.sign`, without copying the
    manifest into a bytes object first)."""
    return base64.b64encode(key.sign(manifest))


def parse(manifest: bytes) -> dict[str, Any]:
    value = json.loads(manifest.decode("utf-8"))
    if not isinstance(value, dict):
        raise ValueError("not an object")
    return value
