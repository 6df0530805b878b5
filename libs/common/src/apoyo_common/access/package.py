"""The access log exported and signed like an export package (interfaces.md §6):

```
manifest.json   {"format": "apoyo-access-log/1", "created_at", "key_id",
                 "logs": [{"log", "path", "entries", "chain_head"}],
                 "files": [{"path", "sha256", "bytes"}]}
manifest.sig    Ed25519 signature, base64, over the exact bytes of manifest.json
public_key.pem  the institute's verification key
<log>.jsonl     one entry per line, in seq order, each with its chain
```
"""

import hashlib
import json
import zipfile
from collections.abc import AsyncIterator, Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from apoyo_common.access.entries import GENESIS, AccessLog, Entry
from apoyo_common.signing import canonical_json, key_id, public_pem, sign

FORMAT = "apoyo-access-log/1"
MANIFEST, SIGNATURE, PUBLIC_KEY = "manifest.json", "manifest.sig", "public_key.pem"
PAGE = 1000


async def all_entries(log: AccessLog) -> AsyncIterator[Entry]:
    after = 0
    while page := await log.entries(after, PAGE):
        for entry in page:
            yield entry
        after = page[-1].seq


async def _write_log(archive: zipfile.ZipFile, name: str, log: AccessLog) -> dict[str, Any]:
    path, digest, size, count, head = f"{name}.jsonl", hashlib.sha256(), 0, 0, GENESIS
    with archive.open(path, "w") as out:
        async for entry in all_entries(log):
            line = canonical_json(entry.record()) + b"\n"
            out.write(line)
            digest.update(line)
            size, count, head = size + len(line), entry.seq, entry.chain
    return {"log": name, "path": path, "entries": count, "chain_head": head,
            "file": {"path": path, "sha256": digest.hexdigest(), "bytes": size}}  # fmt: skip


async def write_package(
    target: Path, logs: Mapping[str, AccessLog], key: Ed25519PrivateKey, created_at: datetime
) -> dict[str, Any]:
    """Write the signed package to `target`; return its manifest."""
    pem = public_pem(key.public_key())
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        written = [await _write_log(archive, name, log) for name, log in sorted(logs.items())]
        archive.writestr(PUBLIC_KEY, pem)
        pem_file = {"path": PUBLIC_KEY, "sha256": hashlib.sha256(pem).hexdigest(),
                    "bytes": len(pem)}  # fmt: skip
        manifest = {
            "format": FORMAT,
            "created_at": created_at.isoformat(),
            "key_id": key_id(key.public_key()),
            "logs": [{k: v for k, v in w.items() if k != "file"} for w in written],
            "files": [w["file"] for w in written] + [pem_file],
        }
        raw = canonical_json(manifest)
        archive.writestr(MANIFEST, raw)
        archive.writestr(SIGNATURE, sign(key, raw))
    return manifest


def loads(raw: bytes) -> dict[str, Any]:
    manifest = json.loads(raw)
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise ValueError("format")
    return manifest
