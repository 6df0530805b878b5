"""In-memory object store: the fake for unit tests."""

from apoyo_common.storage.protocol import ObjectNotFound, check_key


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

    async def exists(self, key: str) -> bool:
        return check_key(key) in self.objects

    async def delete(self, key: str) -> None:
        self.objects.pop(check_key(key), None)
