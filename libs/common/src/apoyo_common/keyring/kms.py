"""The institute's key-encryption keys (KEK): a small KMS protocol and its adapters.

A KMS wraps and unwraps data keys; the KEK never leaves it. Production can put a real KMS
(an HSM, a cloud KMS) behind this protocol; the first implementation is a key file the
institute holds, which is also the embedded default. Rotation: a new KEK becomes current,
old ones stay to unwrap until every data key has been wrapped again (`Keyring.rewrap`).
"""

import base64
import json
import os
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from apoyo_common.keyfiles import create_once
from apoyo_common.keyring.envelope import CannotOpen, new_key, open_sealed, seal


@dataclass(frozen=True)
class Wrapped:
    kek_id: str
    blob: bytes


class UnknownKek(LookupError):
    pass


class Kms(Protocol):
    def current_kek_id(self) -> str: ...

    async def wrap(self, data_key: bytes, context: bytes) -> Wrapped: ...

    async def unwrap(self, wrapped: Wrapped, context: bytes) -> bytes:
        """The data key; UnknownKek or CannotOpen when it cannot be had."""
        ...


class LocalKms:
    """KEKs held in this process (from a key file, or made for a test)."""

    def __init__(self, keks: dict[str, bytes], current: str) -> None:
        if current not in keks:
            raise UnknownKek(current)
        self._keks = {kid: AESGCM(k) for kid, k in keks.items()}
        self._current = current

    def current_kek_id(self) -> str:
        return self._current

    async def wrap(self, data_key: bytes, context: bytes) -> Wrapped:
        return Wrapped(self._current, seal(self._keks[self._current], data_key, context))

    async def unwrap(self, wrapped: Wrapped, context: bytes) -> bytes:
        kek = self._keks.get(wrapped.kek_id)
        if kek is None:
            raise UnknownKek(wrapped.kek_id)
        return open_sealed(kek, wrapped.blob, context)


def in_memory_kms(kek_ids: tuple[str, ...] = ("test-kek",)) -> LocalKms:
    """The fake for tests: fresh KEKs, the last one current."""
    return LocalKms({kid: new_key() for kid in kek_ids}, kek_ids[-1])


def _new_entry() -> dict[str, str]:
    return {
        "id": "kek-" + secrets.token_hex(6),
        "key": base64.b64encode(new_key()).decode(),
        "created_at": datetime.now(UTC).isoformat(),
    }


def _write_new(path: Path, document: dict[str, object]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        json.dump(document, handle, indent=1)
    tmp.replace(path)


class KeyFileKms(LocalKms):
    """A key file's KEKs, read again when a data key names a KEK this process has not seen
    (the file was rotated while it ran)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        super().__init__(*_read(path))

    async def unwrap(self, wrapped: Wrapped, context: bytes) -> bytes:
        if wrapped.kek_id not in self._keks:
            super().__init__(*_read(self.path))
        return await super().unwrap(wrapped, context)


def _read(path: Path) -> tuple[dict[str, bytes], str]:
    entries = json.loads(path.read_text())["keys"]
    return {e["id"]: base64.b64decode(e["key"], validate=True) for e in entries}, entries[-1]["id"]


def key_file_kms(path: Path) -> KeyFileKms:
    """The KEKs of a key file (JSON: `{"keys": [{"id", "key" (base64), "created_at"}]}`, the
    last one current), made with one KEK (mode 0600) when it does not exist yet."""
    if not path.exists():
        create_once(path, json.dumps({"keys": [_new_entry()]}, indent=1).encode())
    return KeyFileKms(path)


def retire_from_key_file(path: Path, kek_id: str) -> None:
    """Drop a KEK that is not current (once no data key is wrapped by it)."""
    document = json.loads(path.read_text())
    if document["keys"][-1]["id"] == kek_id:
        raise ValueError("the current KEK cannot be retired")
    kept = [e for e in document["keys"] if e["id"] != kek_id]
    if len(kept) == len(document["keys"]):
        raise UnknownKek(kek_id)
    _write_new(path, {**document, "keys": kept})


def rotate_key_file(path: Path) -> str:
    """Add a new KEK to the file and make it current; its id. Old KEKs stay to unwrap."""
    document = json.loads(path.read_text())
    entry = _new_entry()
    document["keys"].append(entry)
    _write_new(path, document)
    return entry["id"]


__all__ = ["CannotOpen", "Kms", "LocalKms", "UnknownKek", "Wrapped"]
