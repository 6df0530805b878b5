"""The object-store port every service uses."""

import asyncio
import re
from collections.abc import AsyncIterator, Sequence
from pathlib import Path
from typing import Protocol, runtime_checkable

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

    async def get_many(self, keys: Sequence[str]) -> list[bytes]:
        """Several objects, in the order of their keys (S3: the requests written at once on
        one connection); a missing object raises ObjectNotFound, as `get` does."""
        ...

    async def exists(self, key: str) -> bool: ...

    async def delete(self, key: str) -> None: ...

    async def put_file(self, key: str, path: Path, content_type: str) -> None:
        """Store a file of any size without holding it in memory (S3: a multipart upload)."""
        ...

    def stream(self, key: str) -> AsyncIterator[bytes]:
        """The object in chunks of at most 1 MiB; ObjectNotFound on the first when absent."""
        ...


CHUNK = 1 << 20


async def each_get(store: ObjectStore, keys: Sequence[str]) -> list[bytes]:
    """`get_many` for a store without a cheaper way: each `get`, at once."""
    return list(await asyncio.gather(*(store.get(key) for key in keys)))


@runtime_checkable
class ListingStore(ObjectStore, Protocol):
    """A store that can list its keys (what a purge needs to leave no object behind)."""

    async def keys(self, prefix: str) -> list[str]:
        """Every key that starts with `prefix` (a folder: it ends with `/`), sorted."""
        ...
