"""Process definitions as capture reads them for each support: kept for a second.

Every support needs its process's definition (the aspirants, the evidence, the window). Read
from PostgreSQL each time it was one of a support's two round trips there; a definition
changes only by `apoyo process create` or `process reverify`, another process, so a change
reaches each capture worker within `max_age_s` (docs/operations.md, "Capture's reception,
second pass"). An unknown process is not kept: a definition created a moment later counts at
once.
"""

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

    async def get(self, process_id: str) -> ProcessDefinition | None:
        now = self.clock()
        kept = self._kept.get(process_id)
        if kept is not None and now - kept[0] < self.max_age_s:
            return kept[1]
        found = await self.read(process_id)
        if found is None:
            self._kept.pop(process_id, None)
        else:  # a frozen model: callers cannot change what the others get
            self._kept[process_id] = (now, found)
        return found
