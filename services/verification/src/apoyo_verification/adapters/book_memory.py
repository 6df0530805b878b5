"""In-memory support book and processes: the fakes of unit tests, same contract as PostgreSQL."""

import asyncio
import contextlib
from collections import defaultdict
from collections.abc import AsyncIterator, Collection, Sequence
from dataclasses import dataclass, field

from apoyo_common.messages import ProcessCells
from apoyo_common.outbox import OutboxItem
from apoyo_common.processes import ProcessDefinition
from apoyo_common.publishing import encode
from apoyo_common.topics import PROCESS_CELLS, SUPPORT_VERIFIED, process_key
from apoyo_verification.adapters.desk_memory import DeskState, InMemoryHeldDesk
from apoyo_verification.outcome import Outcome
from apoyo_verification.recording import Changes, CitizenKey, citizen_of
from apoyo_verification.tally import Moves, add


class OneCountingSupport(Exception):
    """The fake's version of the partial unique index: two standing outcomes for one citizen."""


@dataclass
class InMemoryProcesses:
    known: dict[str, ProcessDefinition] = field(default_factory=dict)

    async def get(self, process_id: str) -> ProcessDefinition | None:
        return self.known.get(process_id)

    async def every(self) -> list[ProcessDefinition]:
        return [self.known[k] for k in sorted(self.known)]

    async def save(self, definition: ProcessDefinition) -> None:
        self.known[definition.id] = definition


@dataclass
class _Held(InMemoryHeldDesk):
    book: "InMemorySupportBook"
    keys: frozenset[CitizenKey]
    pending: Changes | None = None

    @property
    def desk(self) -> DeskState:  # type: ignore[override]
        return self.book.desk

    @property
    def known(self) -> dict[str, Outcome]:  # type: ignore[override]
        return self.book.outcomes

    async def recorded(self, support_ids: Sequence[str]) -> dict[str, Outcome]:
        found = (self.book.outcomes.get(i) for i in support_ids)
        return {o.support_id: o for o in found if o is not None}

    async def outcomes(self) -> dict[CitizenKey, list[Outcome]]:
        held: dict[CitizenKey, list[Outcome]] = {}
        for outcome in self.book.outcomes.values():
            if citizen_of(outcome) in self.keys:
                held.setdefault(citizen_of(outcome), []).append(outcome)
        return held

    async def write(self, changes: Changes) -> None:
        self.pending = changes


@dataclass
class InMemorySupportBook:
    outcomes: dict[str, Outcome] = field(default_factory=dict)
    outbox: list[OutboxItem] = field(default_factory=list)
    published: set[int] = field(default_factory=set)
    totals: Moves = field(default_factory=dict)
    locks: defaultdict[CitizenKey, asyncio.Lock] = field(
        default_factory=lambda: defaultdict(asyncio.Lock)
    )
    desk: DeskState = field(default_factory=DeskState)

    @contextlib.asynccontextmanager
    async def citizens(self, keys: Collection[CitizenKey]) -> AsyncIterator[_Held]:
        async with contextlib.AsyncExitStack() as stack:
            for key in sorted(set(keys)):
                await stack.enter_async_context(self.locks[key])
            held = _Held(self, frozenset(keys))
            yield held  # an exception leaves the writes behind: a rollback
            if held.pending is not None:
                self._commit(held.pending)

    def _commit(self, changes: Changes) -> None:
        after = {**self.outcomes, **changes.updated, **changes.inserted}
        standing: dict[CitizenKey, int] = {}
        for outcome in after.values():
            if outcome.final.standing:
                key = citizen_of(outcome)
                standing[key] = standing.get(key, 0) + 1
                if standing[key] > 1:
                    raise OneCountingSupport(key)
        self.outcomes = after
        self.desk.commit(changes, after)
        add(self.totals, changes.moves)
        for outcome in changes.events:
            out = outcome.event
            item = OutboxItem(
                len(self.outbox) + 1, SUPPORT_VERIFIED, out.citizen_key.encode(), encode(out)
            )
            self.outbox.append(item)

    async def tally(self, process_id: str, aspirant_id: str) -> dict[tuple[str, str], int]:
        return {
            (status, cell): n
            for (process, aspirant, status, cell), n in self.totals.items()
            if (process, aspirant) == (process_id, aspirant_id)
        }

    async def announce(self, cells: ProcessCells) -> None:
        item = OutboxItem(
            len(self.outbox) + 1, PROCESS_CELLS, process_key(cells.process_id), encode(cells)
        )
        self.outbox.append(item)

    async def claim_outbox(self, limit: int) -> list[OutboxItem]:
        return [item for item in self.outbox if item.id not in self.published][:limit]

    async def mark_published(self, ids: list[int]) -> None:
        self.published.update(ids)
