"""Personal fields sealed where they are stored: JSON documents, text and bytes.

A sealed field is a small JSON object, `{"_process": PROCESS, "_sealed": BASE64}`: the
process says which data key opens it (it is also bound into the associated data, so
changing it only makes the field refuse to open), and purge finds a process's sealed rows
by it. In a `jsonb` column the object is stored as is; in `text` and `bytea` columns, as its
JSON text. A field stored before encryption was on reads as it is.
"""

import base64
import json
from typing import Any

from apoyo_common.keyring.keyring import Keyring

PROCESS, SEALED = "_process", "_sealed"
_PREFIX = b'{"' + PROCESS.encode() + b'":'


def _wrapper(stored: Any) -> dict[str, str] | None:
    if isinstance(stored, dict) and set(stored) == {PROCESS, SEALED}:
        return stored
    return None


def sealed_process(stored: Any) -> str | None:
    """The process of a sealed document, or None when it is stored as it was given."""
    found = _wrapper(stored)
    return None if found is None else found[PROCESS]


async def seal_json(keyring: Keyring, process_id: str, associated: str, document: Any) -> Any:
    if not keyring.on:
        return document
    plain = json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()
    return await _sealed(keyring, process_id, associated, plain)


async def seal_encoded(keyring: Keyring, process_id: str, associated: str, text: bytes) -> Any:
    """`seal_json` of a document given as its JSON text: sealed as it is, not decoded and
    encoded again (decoded only to be stored as the document when sealing is off)."""
    if not keyring.on:
        return json.loads(text)
    return await _sealed(keyring, process_id, associated, text)


async def _sealed(keyring: Keyring, process_id: str, associated: str, plain: bytes) -> Any:
    blob = await keyring.seal(process_id, associated, plain)
    return {PROCESS: process_id, SEALED: base64.b64encode(blob).decode()}


async def open_json(keyring: Keyring, associated: str, stored: Any) -> Any:
    found = _wrapper(stored)
    if found is None:
        return stored
    blob = base64.b64decode(found[SEALED], validate=True)
    return json.loads(await keyring.open(found[PROCESS], associated, blob))


async def seal_text(keyring: Keyring, process_id: str, associated: str, text: str) -> str:
    if not keyring.on:
        return text
    return json.dumps(await seal_json(keyring, process_id, associated, text), sort_keys=True)


async def open_text(keyring: Keyring, associated: str, stored: str) -> str:
    if not stored.startswith(_PREFIX.decode()):
        return stored
    opened = await open_json(keyring, associated, json.loads(stored))
    return str(opened)


async def seal_bytes(keyring: Keyring, process_id: str, associated: str, data: bytes) -> bytes:
    """Any bytes (an event's payload, a certificate) sealed, as the JSON text of a wrapper."""
    if not keyring.on:
        return data
    blob = await keyring.seal(process_id, associated, data)
    wrapper = {PROCESS: process_id, SEALED: base64.b64encode(blob).decode()}
    return json.dumps(wrapper, sort_keys=True).encode()


async def open_bytes(keyring: Keyring, associated: str, stored: bytes) -> bytes:
    found = _wrapper(json.loads(stored)) if stored.startswith(_PREFIX) else None
    if found is None:
        return stored
    blob = base64.b64decode(found[SEALED], validate=True)
    return await keyring.open(found[PROCESS], associated, blob)


# The top-level fields of our events that carry personal data (the typed form, what was read
# off the credential, the address). The rest of a document (status, reasons, evidence keys and
# hashes, cells) stays as it is, so that queries on it keep working.
PERSONAL = ("form", "mrz", "barcodes", "email")


async def seal_fields(
    keyring: Keyring,
    process_id: str,
    associated: str,
    document: dict[str, Any],
    names: tuple[str, ...] = PERSONAL,
) -> dict[str, Any]:
    """`document` with each named field present sealed on its own (`associated/NAME`)."""
    if not keyring.on:
        return document
    sealed = dict(document)
    for name in names:
        if sealed.get(name) not in (None, [], {}):
            sealed[name] = await seal_json(
                keyring, process_id, f"{associated}/{name}", sealed[name]
            )
    return sealed


async def open_fields(
    keyring: Keyring, associated: str, document: dict[str, Any]
) -> dict[str, Any]:
    """`document` with every sealed field opened; fields stored plain as they are."""
    opened = dict(document)
    for name, value in document.items():
        if _wrapper(value) is not None:
            opened[name] = await open_json(keyring, f"{associated}/{name}", value)
    return opened
