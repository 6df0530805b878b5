"""Process definitions as capture reads them for each support: kept for a second.

Every support needs its process's definition (the aspirants, the evidence, the window). Read
from PostgreSQL each time it was one of a support's two round trips there; a definition
changes only by `apoyo process create` or `process reverify`, another process, so a change
reaches each capture worker within `max_age_s` (docs/operations.md, "Capture's reception,
second pass"). An unknown process is not kept: a definition created a moment later counts at
once.

When a kept definition grows old, the supports that arrive while it is read again wait for
that one read instead of each starting its own: at 32 requests in flight, an expiry used to
send a burst of identical queries to PostgreSQL (docs/operations.md, "Capture's reception,
sixth pass").
"""

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from apoyo_common.processes import ProcessDefinition

MAX_AGE_S = 1.0


@dataclass
class RecentProcesses:
    read: Callable[[str], Awaitable[ProcessDefinition | None]]
    max_age_s: float = MAX_AGE_S
    clock: Callable[[], float] = time.monotonic
    _kept: dict[str, tuple[float, ProcessDefinition]] = field(default_factory=dict)
    _reading: dict[str, "asyncio.Future[ProcessDefinition | None]"] = field(default_factory=dict)

    async def get(self, process_id: str) -> ProcessDefinition | None:
        now = self.clock()
        kept = self._kept.get(process_id)
        if kept is not None and now - kept[0] < self.max_age_s:
            return kept[1]
        reading = self._reading.get(process_id)
        if reading is None:
            reading = asyncio.ensure_future(self._read(process_id, now))
            self._reading[process_id] = reading
            reading.add_done_callback(lambda done: self._read_ended(process_id, done))
        # shielded: a request that gives up does not cancel the read the others wait for
        return await asyncio.shield(reading)

    def _read_ended(
        self, process_id: str, done: "asyncio.Future[ProcessDefinition | None]"
    ) -> None:
        self._reading.pop(process_id, None)
        if not done.cancelled():
            done.exception()  # the waiters have it; none left is no "never retrieved" warning

    async def _read(self, process_id: str, now: float) -> ProcessDefinition | None:
        found = await self.read(process_id)
        if found is None:
            self._kept.pop(process_id, None)
        else:  # a frozen model: callers cannot change what the others get
            self._kept[process_id] = (now, found)
        return found
