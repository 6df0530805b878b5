"""Verification's personal fields sealed in `verification.supports` (docs/security.md): the
e-mail address of `output` (a `support.verified`) and the form, MRZ and barcodes of `decoded`
(the `identity.decoded` kept for the desk). Status, reasons, channel and evidence references
stay as they are: the hearing's and the desk's queries read them."""

import json
from typing import Any

from apoyo_common.keyring import Keyring
from apoyo_common.keyring.documents import open_fields, open_json, seal_fields


def _context(support_id: str, column: str) -> str:
    return f"verification.supports/{support_id}/{column}"


async def sealed_text(
    keyring: Keyring, process_id: str, support_id: str, column: str, text: str
) -> str:
    """A document's JSON text with its personal fields sealed (as given when the keyring is off)."""
    if not keyring.on:
        return text
    document = json.loads(text)
    sealed = await seal_fields(keyring, process_id, _context(support_id, column), document)
    return json.dumps(sealed, ensure_ascii=False, separators=(",", ":"))


async def opened(
    keyring: Keyring, support_id: str, column: str, stored: dict[str, Any]
) -> dict[str, Any]:
    return await open_fields(keyring, _context(support_id, column), stored)


async def opened_email(keyring: Keyring, support_id: str, stored: Any) -> str | None:
    """The `email` field of an output, as `output->'email'` gives it (plain or sealed)."""
    found = await open_json(keyring, f"{_context(support_id, 'output')}/email", stored)
    return None if found is None else str(found)
