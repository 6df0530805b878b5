"""Any object store, with the time of each call in `apoyo_store_seconds`.

`Infrastructure` wraps its store in this once, so every service's calls are timed the same way
whatever the backend. A missing object is its own outcome: asking for one is not a failure of
the store.
"""

import time
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from pathlib import Path
from typing import TypeVar

from apoyo_common import metrics
from apoyo_common.storage.protocol import ListingStore, ObjectNotFound, ObjectStore

T = TypeVar("T")


def _observe(operation: str, outcome: str, started: float) -> None:
    seconds = time.perf_counter() - started
    metrics.STORE_SECONDS.labels(metrics.process_name(), operation, outcome).observe(seconds)


async def _timed(operation: str, call: Callable[[], Awaitable[T]]) -> T:
    started, outcome = time.perf_counter(), "error"
    try:
        result = await call()
        outcome = "ok"
        return result
    except ObjectNotFound:
        outcome = "missing"
        raise
    finally:
        _observe(operation, outcome, started)


class TimedStore:
    def __init__(self, inner: ObjectStore) -> None:
        self.inner = inner

    async def ensure_ready(self) -> None:
        await _timed("ensure_ready", self.inner.ensure_ready)

    async def put(self, key: str, data: bytes, content_type: str) -> None:
        await _timed("put", lambda: self.inner.put(key, data, content_type))

    async def get(self, key: str) -> bytes:
        return await _timed("get", lambda: self.inner.get(key))

    async def get_many(self, keys: Sequence[str]) -> list[bytes]:
        """Observed once as `get_many`: the objects come over one connection, so the batch's
        time is one call's, and a `get` each with it would read several times too slow."""
        return await _timed("get_many", lambda: self.inner.get_many(keys))

    async def exists(self, key: str) -> bool:
        return await _timed("exists", lambda: self.inner.exists(key))

    async def delete(self, key: str) -> None:
        await _timed("delete", lambda: self.inner.delete(key))

    async def keys(self, prefix: str) -> list[str]:
        inner = self.inner
        if not isinstance(inner, ListingStore):
            raise TypeError("the object store cannot list its keys")
        return await _timed("keys", lambda: inner.keys(prefix))

    async def put_file(self, key: str, path: Path, content_type: str) -> None:
        await _timed("put_file", lambda: self.inner.put_file(key, path, content_type))

    async def stream(self, key: str) -> AsyncIterator[bytes]:
        """Timed from the first request to the last chunk handed over (the reader's pace
        included: a slow download shows as a slow stream)."""
        started, outcome = time.perf_counter(), "error"
        try:
            async for chunk in self.inner.stream(key):
                yield chunk
            outcome = "ok"
        except ObjectNotFound:
            outcome = "missing"
            raise
        finally:
            _observe("stream", outcome, started)
