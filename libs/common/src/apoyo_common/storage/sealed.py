"""Objects of a process sealed to its data key (docs/security.md, "Encryption at rest").

Evidence images and certificates live under `evidence/PROCESS/...` and
`certificates/PROCESS/...`: they are sealed with the process's data key, the object key as
associated data (an object copied under another key does not open). Other objects (export
packages, built for the institute and signed) pass through as they are. Objects stored
before encryption was on read as they were.
"""

import re
from collections.abc import AsyncIterator, Sequence
from pathlib import Path

from apoyo_common.keyring import Keyring
from apoyo_common.storage.protocol import CHUNK, ListingStore, ObjectStore

_PROCESS_SCOPED = re.compile(r"^(?:evidence|certificates)/([^/]+)/")


def sealed_process(key: str) -> str | None:
    """The process whose data key seals the object, or None when it is not sealed."""
    found = _PROCESS_SCOPED.match(key)
    return None if found is None else found.group(1)


class SealedStore:
    def __init__(self, inner: ObjectStore, keyring: Keyring) -> None:
        self.inner, self.keyring = inner, keyring

    async def ensure_ready(self) -> None:
        await self.inner.ensure_ready()

    async def put(self, key: str, data: bytes, content_type: str) -> None:
        process = sealed_process(key)
        if process is not None:
            data = await self.keyring.seal(process, key, data)
        await self.inner.put(key, data, content_type)

    async def get(self, key: str) -> bytes:
        return await self._opened(key, await self.inner.get(key))

    async def get_many(self, keys: Sequence[str]) -> list[bytes]:
        found = await self.inner.get_many(keys)
        return [await self._opened(key, data) for key, data in zip(keys, found, strict=True)]

    async def _opened(self, key: str, data: bytes) -> bytes:
        process = sealed_process(key)
        return data if process is None else await self.keyring.open(process, key, data)

    async def exists(self, key: str) -> bool:
        return await self.inner.exists(key)

    async def keys(self, prefix: str) -> list[str]:
        if not isinstance(self.inner, ListingStore):
            raise TypeError("the object store cannot list its keys")
        return await self.inner.keys(prefix)

    async def delete(self, key: str) -> None:
        await self.inner.delete(key)

    async def put_file(self, key: str, path: Path, content_type: str) -> None:
        if sealed_process(key) is None:
            await self.inner.put_file(key, path, content_type)
        else:  # evidence is at most a few MiB: sealed whole
            await self.put(key, path.read_bytes(), content_type)

    async def stream(self, key: str) -> AsyncIterator[bytes]:
        if sealed_process(key) is None:
            async for chunk in self.inner.stream(key):
                yield chunk
            return
        data = await self.get(key)
        for start in range(0, len(data), CHUNK):
            yield data[start : start + CHUNK]
