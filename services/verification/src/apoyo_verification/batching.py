"""Group commit: what concurrent callers submit is written together (no FastStream, no SQL).

While one flush runs, new submissions queue and go together in the next one: a lone caller
waits for nothing, and batches grow with the number of callers in flight (the identity
workers publishing at once on the in-memory broker, or several Kafka batches). Each caller
gets its own results once the flush that carried them is done, so a message is acknowledged
only after its outcome is committed. When a shared flush fails, each caller's items are
flushed again alone, so one bad message fails only its own caller (who retries it).
"""

import asyncio
from collections.abc import Awaitable, Callable
from typing import Generic, TypeVar

T = TypeVar("T")
R = TypeVar("R")
Waiting = tuple[list[T], asyncio.Future[list[R]]]


class GroupCommit(Generic[T, R]):
    def __init__(self, flush: Callable[[list[T]], Awaitable[list[R]]], max_items: int = 500):
        self.flush, self.max_items = flush, max_items
        self._queue: list[Waiting[T, R]] = []
        self._draining: asyncio.Task[None] | None = None

    async def submit(self, items: list[T]) -> list[R]:
        done: asyncio.Future[list[R]] = asyncio.get_running_loop().create_future()
        self._queue.append((items, done))
        if self._draining is None or self._draining.done():
            self._draining = asyncio.create_task(self._drain())
        return await done

    def _take(self) -> list[Waiting[T, R]]:
        taken: list[Waiting[T, R]] = []
        size = 0
        while self._queue and (not taken or size + len(self._queue[0][0]) <= self.max_items):
            size += len(self._queue[0][0])
            taken.append(self._queue.pop(0))
        return taken

    async def _drain(self) -> None:
        while self._queue:
            group = self._take()
            try:
                results = await self.flush([item for items, _ in group for item in items])
            except Exception as error:
                if len(group) == 1:
                    _settle(group[0][1], error=error)
                else:
                    for items, done in group:
                        await self._alone(items, done)
                continue
            start = 0
            for items, done in group:
                _settle(done, results[start : start + len(items)])
                start += len(items)

    async def _alone(self, items: list[T], done: "asyncio.Future[list[R]]") -> None:
        try:
            _settle(done, await self.flush(items))
        except Exception as error:
            _settle(done, error=error)


def _settle(
    done: "asyncio.Future[list[R]]", result: list[R] | None = None, error: Exception | None = None
) -> None:
    if done.done():  # the caller went away (cancelled at shutdown)
        return
    if error is not None:
        done.set_exception(error)
    else:
        done.set_result(result or [])


class Coalesced:
    """One run of `work` at a time for many callers: a caller arriving while it runs asks for
    one more run and returns; the running one repeats until nobody asked. A lone caller waits
    for its own run (an outbox drain that covers what it just committed)."""

    def __init__(self, work: Callable[[], Awaitable[object]]) -> None:
        self.work = work
        self._running = False
        self._again = False

    async def __call__(self) -> None:
        if self._running:
            self._again = True
            return
        self._running = True
        try:
            self._again = True
            while self._again:
                self._again = False
                await self.work()
        finally:
            self._running = False
