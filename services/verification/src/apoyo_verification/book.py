"""Ports of the outcomes (the support book) and of the processes verification knows.

Everything a batch of `identity.decoded` changes happens in one transaction of the book: the
locks on its citizens, the arriving outcomes, the revised ones, the events to publish (the
outbox) and the moves of the aggregates (tally.py).
"""

from collections.abc import Collection, Sequence
from contextlib import AbstractAsyncContextManager
from typing import Protocol

from apoyo_common.processes import ProcessDefinition
from apoyo_verification.desk.ports import HeldDesk
from apoyo_verification.outcome import Outcome
from apoyo_verification.recording import Changes, CitizenKey, citizen_of


class UnknownProcess(LookupError):
    """No `process.defined` seen for the support's process (yet): it cannot be judged."""


class Processes(Protocol):
    async def get(self, process_id: str) -> ProcessDefinition | None: ...

    async def save(self, definition: ProcessDefinition) -> None: ...

    async def every(self) -> Sequence[ProcessDefinition]:
        """Every process verification knows, by id."""
        ...


class HeldCitizens(HeldDesk, Protocol):
    """Some citizens' supports, locked for one transaction, and the desk's part of it."""

    async def recorded(self, support_ids: Sequence[str]) -> dict[str, Outcome]: ...

    async def outcomes(self) -> dict[CitizenKey, list[Outcome]]:
        """Every recorded outcome of the held citizens."""
        ...

    async def write(self, changes: Changes) -> None:
        """Store the new and revised outcomes, queue the events, move the aggregates, refer the
        outcomes written as PENDIENTE_REVISION (desk.automatic), append the decisions and
        close the referrals each one decided."""
        ...


class SupportBook(Protocol):
    def citizens(self, keys: Collection[CitizenKey]) -> AbstractAsyncContextManager[HeldCitizens]:
        """A transaction holding the citizens' locks (taken in one order, so two batches never
        wait on each other in a circle): committed when the block ends normally, rolled back
        when it raises."""
        ...

    async def tally(self, process_id: str, aspirant_id: str) -> dict[tuple[str, str], int]:
        """The aggregates of one aspirant: supports per (status, cell)."""
        ...


async def persons_of(book: SupportBook, support_ids: Sequence[str]) -> dict[str, CitizenKey]:
    """The person each recorded support is settled among (fixed once recorded, so it may be
    read before taking that person's lock), by support id."""
    async with book.citizens(()) as held:
        return {i: citizen_of(o) for i, o in (await held.recorded(support_ids)).items()}
