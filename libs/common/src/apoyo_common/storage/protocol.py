"""The object-store port every service uses."""

import re
from typing import Protocol

_KEY = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*(/[A-Za-z0-9][A-Za-z0-9._-]*)*$")


class ObjectNotFound(KeyError):
    pass


def check_key(key: str) -> str:
    """Keys are built by us, never by clients; still, refuse anything that walks paths."""
    if not _KEY.match(key) or ".." in key or len(key) > 512:
        raise ValueError("invalid object key")
    return key


class ObjectStore(Protocol):
    async def ensure_ready(self) -> None: ...

    async def put(self, key: str, data: bytes, content_type: str) -> None: ...

    async def get(self, key: str) -> bytes: ...

    async def exists(self, key: str) -> bool: ...

    async def delete(self, key: str) -> None: ...
