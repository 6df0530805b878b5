"""Writes gathered while one is in flight: what callers hand over during a write goes out
together in the next one, each caller waiting for the write that carries its item.

A group commit without a timer: a lone item is written at once, as it would be alone; under
load, the items that arrive during one round trip share the next, so the fixed cost of a
statement and its commit is paid once a batch instead of once an item. A caller's item is
durable exactly when its `add` returns; a write that fails fails every caller it carried
(the writer may instead answer each item on its own, e.g. by writing them one by one).
"""

import asyncio
from collections.abc import Awaitable, Callable
from typing import Generic, TypeVar

Item = TypeVar("Item")
# Each item's outcome, in the batch's order: None when written, else the exception to raise.
Outcomes = list[BaseException | None]


class Gathered(Generic[Item]):
    def __init__(self, write: Callable[[list[Item]], Awaitable[Outcomes]], most: int) -> None:
        self._write = write
        self._most = most
        self._waiting: list[tuple[Item, asyncio.Future[None]]] = []
        self._writer: asyncio.Task[None] | None = None

    async def add(self, item: Item) -> None:
        """Return once the write that carried `item` committed; raise what it raised."""
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        done.add_done_callback(_seen)  # a caller cancelled meanwhile leaves no "never retrieved"
        self._waiting.append((item, done))
        if self._writer is None:
            self._writer = asyncio.create_task(self._drain())
        await asyncio.shield(done)  # a cancelled caller does not cancel the others' write

    async def _drain(self) -> None:
        batch: list[tuple[Item, asyncio.Future[None]]] = []
        try:
            while self._waiting:
                batch = self._waiting[: self._most]
                del self._waiting[: self._most]
                await self._settle(batch)
        finally:  # cancelled (the process stopping): nobody is told a write it did not see end
            self._writer = None
            for _, done in batch + self._waiting:
                done.cancel()
            self._waiting.clear()

    async def _settle(self, batch: list[tuple[Item, asyncio.Future[None]]]) -> None:
        try:
            outcomes = await self._write([item for item, _ in batch])
        except Exception as error:  # handed to every caller the write carried
            outcomes = [error] * len(batch)
        for (_, done), outcome in zip(batch, outcomes, strict=True):
            if done.done():
                continue
            if outcome is None:
                done.set_result(None)
            else:
                done.set_exception(outcome)


def _seen(done: asyncio.Future[None]) -> None:
    if not done.cancelled():
        done.exception()
