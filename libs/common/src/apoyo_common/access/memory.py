"""The in-memory access log, for unit tests and the fakes' wiring."""

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from apoyo_common.access.entries import Entry, Read, next_entry


def _now() -> datetime:
    return datetime.now(UTC)


@dataclass
class InMemoryAccessLog:
    clock: Callable[[], datetime] = _now
    kept: list[Entry] = field(default_factory=list)
    _lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    async def record(self, read: Read) -> Entry:
        async with self._lock:
            entry = next_entry(self.kept[-1] if self.kept else None, self.clock(), read)
            self.kept.append(entry)
            return entry

    async def entries(self, after: int = 0, limit: int = 1000) -> list[Entry]:
        return [e for e in self.kept if e.seq > after][:limit]
