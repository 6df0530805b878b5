"""Envelope encryption: one data key per process, wrapped by the institute's KEK.

Every service seals personal fields and evidence with the data key of the support's
process. Unwrapped keys are cached in memory for `cache_s` seconds: the hot paths (thousands
of supports a second) never call the KMS, and a key destroyed by a purge in another process
is forgotten here within that time.

Without a KMS (no key file configured) the keyring is off: values are stored as given and
a warning says so at start; sealed values written before still refuse to open.
"""

import time
from collections.abc import Callable
from datetime import UTC, datetime

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from apoyo_common.keyring.envelope import CannotOpen, is_sealed, new_key, open_sealed, seal
from apoyo_common.keyring.keys import DataKeys, InMemoryDataKeys, StoredKey
from apoyo_common.keyring.kms import Kms


class DataKeyDestroyed(LookupError):
    """The process was purged: its data is gone for good."""


def _context(process_id: str) -> bytes:
    return b"apoyo-data-key\x00" + process_id.encode()


def _aad(process_id: str, associated: str) -> bytes:
    return process_id.encode() + b"\x00" + associated.encode()


class Keyring:
    def __init__(
        self,
        kms: Kms | None,
        keys: DataKeys,
        cache_s: float = 300.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.kms, self.keys, self.cache_s, self.clock = kms, keys, cache_s, clock
        self._cache: dict[str, tuple[AESGCM, float]] = {}

    @classmethod
    def off(cls) -> "Keyring":
        """Values stored as given: in-memory fakes, and deployments without a key file."""
        return cls(None, InMemoryDataKeys())

    @property
    def on(self) -> bool:
        return self.kms is not None

    async def ensure_ready(self) -> None:
        if self.on:
            await self.keys.ensure_ready()

    async def seal(self, process_id: str, associated: str, plaintext: bytes) -> bytes:
        """`plaintext` sealed to the process's data key, bound to `associated` (a support
        id, a field name, an object key): it opens only with the same."""
        if not self.on:
            return plaintext
        return seal(await self._cipher(process_id), plaintext, _aad(process_id, associated))

    async def open(self, process_id: str, associated: str, blob: bytes) -> bytes:
        """What `seal` was given; a value stored before encryption was on, as it is."""
        if not is_sealed(blob):
            return blob
        if not self.on:
            raise CannotOpen("a sealed value and no key-encryption key configured")
        return open_sealed(await self._cipher(process_id), blob, _aad(process_id, associated))

    async def destroy(self, process_id: str) -> bool:
        self._cache.pop(process_id, None)
        return await self.keys.destroy(process_id, datetime.now(UTC))

    async def rewrap(self) -> int:
        """Wrap every live data key with the current KEK (after a rotation); how many."""
        assert self.kms is not None, "no KMS configured"
        moved = 0
        for row in await self.keys.all_live():
            assert row.wrapped is not None
            if row.wrapped.kek_id == self.kms.current_kek_id():
                continue
            key = await self.kms.unwrap(row.wrapped, _context(row.process_id))
            fresh = await self.kms.wrap(key, _context(row.process_id))
            moved += await self.keys.replace(row.process_id, row.wrapped, fresh)
        return moved

    async def _cipher(self, process_id: str) -> AESGCM:
        hit = self._cache.get(process_id)
        if hit is not None and hit[1] > self.clock():
            return hit[0]
        row = await self.keys.find(process_id) or await self._create(process_id)
        if row.wrapped is None:
            self._cache.pop(process_id, None)
            raise DataKeyDestroyed(process_id)
        assert self.kms is not None
        cipher = AESGCM(await self.kms.unwrap(row.wrapped, _context(process_id)))
        self._cache[process_id] = (cipher, self.clock() + self.cache_s)
        return cipher

    async def _create(self, process_id: str) -> StoredKey:
        assert self.kms is not None
        wrapped = await self.kms.wrap(new_key(), _context(process_id))
        return await self.keys.add(process_id, wrapped, datetime.now(UTC))
