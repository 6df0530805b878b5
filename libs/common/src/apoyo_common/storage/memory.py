"""In-memory object store: the fake for unit tests."""

from collections.abc import AsyncIterator, Sequence
from pathlib import Path

from apoyo_common.storage.protocol import CHUNK, ObjectNotFound, check_key, each_get


class InMemoryStore:
    def __init__(self) -> None:
        self.objects: dict[str, tuple[bytes, str]] = {}

    async def ensure_ready(self) -> None:
        return None

    async def put(self, key: str, data: bytes, content_type: str) -> None:
        self.objects[check_key(key)] = (bytes(data), content_type)

    async def get(self, key: str) -> bytes:
        try:
            return self.objects[check_key(key)][0]
        except KeyError:
            raise ObjectNotFound(key) from None

    async def get_many(self, keys: Sequence[str]) -> list[bytes]:
        return await each_get(self, keys)

    async def exists(self, key: str) -> bool:
        return check_key(key) in self.objects

    async def keys(self, prefix: str) -> list[str]:
        return sorted(k for k in self.objects if k.startswith(prefix))

    async def delete(self, key: str) -> None:
        self.objects.pop(check_key(key), None)

    async def put_file(self, key: str, path: Path, content_type: str) -> None:
        await self.put(key, path.read_bytes(), content_type)

    async def stream(self, key: str) -> AsyncIterator[bytes]:
        data = await self.get(key)
        for start in range(0, len(data), CHUNK):
            yield data[start : start + CHUNK]
