"""In-memory support book and processes: the fakes of unit tests, same contract as PostgreSQL."""

import asyncio
import contextlib
from collections import defaultdict
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field

from apoyo_common.outbox import OutboxItem
from apoyo_common.processes import ProcessDefinition
from apoyo_common.publishing import encode
from apoyo_common.topics import SUPPORT_VERIFIED
from apoyo_verification.outcome import Outcome


class OneCountingSupport(Exception):
    """The fake's version of the partial unique index: two standing outcomes for one citizen."""


@dataclass
class InMemoryProcesses:
    known: dict[str, ProcessDefinition] = field(default_factory=dict)

    async def get(self, process_id: str) -> ProcessDefinition | None:
        return self.known.get(process_id)

    async def save(self, definition: ProcessDefinition) -> None:
        self.known[definition.id] = definition


@dataclass
class _Citizen:
    book: "InMemorySupportBook"
    key: tuple[str, str]
    writes: dict[str, Outcome] = field(default_factory=dict)
    events: list[Outcome] = field(default_factory=list)

    async def recorded(self, support_id: str) -> Outcome | None:
        return self.book.outcomes.get(support_id)

    async def outcomes(self) -> list[Outcome]:
        return [o for o in self.book.outcomes.values() if _key(o) == self.key]

    async def save(self, arriving: Outcome, revisions: Sequence[Outcome]) -> None:
        for outcome in (*revisions, arriving):
            self.writes[outcome.support_id] = outcome
            self.events.append(outcome)

    async def republish(self, outcome: Outcome) -> None:
        self.events.append(outcome)


def _key(outcome: Outcome) -> tuple[str, str]:
    return outcome.published.process_id, outcome.published.citizen_key


@dataclass
class InMemorySupportBook:
    outcomes: dict[str, Outcome] = field(default_factory=dict)
    outbox: list[OutboxItem] = field(default_factory=list)
    published: set[int] = field(default_factory=set)
    locks: defaultdict[tuple[str, str], asyncio.Lock] = field(
        default_factory=lambda: defaultdict(asyncio.Lock)
    )

    @contextlib.asynccontextmanager
    async def citizen(self, process_id: str, citizen_key: str) -> AsyncIterator[_Citizen]:
        key = (process_id, citizen_key)
        async with self.locks[key]:
            pending = _Citizen(self, key)
            yield pending  # an exception leaves the writes behind: a rollback
            self._commit(key, pending)

    def _commit(self, key: tuple[str, str], pending: _Citizen) -> None:
        after = {**self.outcomes, **pending.writes}
        if sum(1 for o in after.values() if _key(o) == key and o.final.standing) > 1:
            raise OneCountingSupport(key)
        self.outcomes = after
        for outcome in pending.events:
            payload = encode(outcome.published)
            item = OutboxItem(len(self.outbox) + 1, SUPPORT_VERIFIED, key[1].encode(), payload)
            self.outbox.append(item)

    async def claim_outbox(self, limit: int) -> list[OutboxItem]:
        return [item for item in self.outbox if item.id not in self.published][:limit]

    async def mark_published(self, ids: list[int]) -> None:
        self.published.update(ids)
