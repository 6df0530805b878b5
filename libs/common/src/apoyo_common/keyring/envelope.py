"""AES-256-GCM with associated data: the one cipher of encryption at rest.

A sealed value is `VERSION || nonce (12 bytes) || ciphertext and tag`. The associated data
(a support id, a field name, an object key) is not stored: it must be given again to open,
so a ciphertext copied to another row or object does not open there.
"""

import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

VERSION = b"\xa1"
NONCE_BYTES = 12
KEY_BYTES = 32


class CannotOpen(ValueError):
    """Wrong key, wrong associated data, or bytes that were changed."""


def new_key() -> bytes:
    return AESGCM.generate_key(bit_length=KEY_BYTES * 8)


def is_sealed(blob: bytes) -> bool:
    return blob[:1] == VERSION and len(blob) >= 1 + NONCE_BYTES + 16


def seal(key: AESGCM, plaintext: bytes, associated: bytes) -> bytes:
    nonce = os.urandom(NONCE_BYTES)
    return VERSION + nonce + key.encrypt(nonce, plaintext, associated)


def open_sealed(key: AESGCM, blob: bytes, associated: bytes) -> bytes:
    if not is_sealed(blob):
        raise CannotOpen("not a sealed value")
    # The ciphertext as a view: a 200 KB picture is not copied first (22 µs to open against
    # 27, docs/identity.md, *Thirteenth round*).
    nonce, body = blob[1 : 1 + NONCE_BYTES], memoryview(blob)[1 + NONCE_BYTES :]
    try:
        return key.decrypt(nonce, body, associated)
    except InvalidTag:
        raise CannotOpen("the value does not open with this key and context") from None
