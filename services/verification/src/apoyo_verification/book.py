"""Ports of the outcomes (the support book) and of the processes verification knows.

Everything one `identity.decoded` changes happens in one transaction of the book: the lock on
the citizen, the arriving outcome, the revised ones and the events to publish (the outbox).
"""

from collections.abc import Sequence
from contextlib import AbstractAsyncContextManager
from typing import Protocol

from apoyo_common.processes import ProcessDefinition
from apoyo_verification.outcome import Outcome


class UnknownProcess(LookupError):
    """No `process.defined` seen for the support's process (yet): it cannot be judged."""


class Processes(Protocol):
    async def get(self, process_id: str) -> ProcessDefinition | None: ...

    async def save(self, definition: ProcessDefinition) -> None: ...


class CitizenSupports(Protocol):
    """One citizen's supports in one process, held (locked) for one transaction."""

    async def recorded(self, support_id: str) -> Outcome | None: ...

    async def outcomes(self) -> list[Outcome]: ...

    async def save(self, arriving: Outcome, revisions: Sequence[Outcome]) -> None:
        """Store the new outcome and the revised ones; queue each to be published."""
        ...

    async def republish(self, outcome: Outcome) -> None: ...


class SupportBook(Protocol):
    def citizen(
        self, process_id: str, citizen_key: str
    ) -> AbstractAsyncContextManager[CitizenSupports]:
        """A transaction holding the citizen's lock: committed when the block ends normally,
        rolled back when it raises."""
        ...
