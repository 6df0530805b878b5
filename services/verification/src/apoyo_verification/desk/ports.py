"""What the desk keeps, and its storage ports: reads outside a transaction, writes inside the
book's transaction (HeldCitizens), so that a decision, the outcome it revises, the event it
publishes and the aggregates it moves are committed together."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from apoyo_common.messages import IdentityDecoded, SupportVerified
from apoyo_verification.desk.decision import Decision
from apoyo_verification.desk.referral import Cause, Referral


class SampleExists(Exception):
    """The aspirant's sample was already drawn (one per aspirant)."""


class EmptySample(LookupError):
    """The aspirant has no counted support to sample."""


@dataclass(frozen=True)
class Referred:
    """A referral as the desk keeps it."""

    cause: Cause
    actor: str
    note: str
    referred_at: datetime
    decided: bool  # closed by a decision


@dataclass(frozen=True)
class EvidencePointer:
    """Where an image of the support is stored (object-storage key), never the image."""

    kind: str
    object_key: str
    sha256: str


@dataclass(frozen=True)
class Proposal:
    """A first reviewer's rejection that waits for a second, different reviewer (when the desk
    requires two for a rejection): it changes nothing until a decision settles it."""

    support_id: str
    reason: str
    note: str
    actor: str
    proposed_at: datetime


@dataclass(frozen=True)
class Item:
    """A support as the reviewer sees it."""

    outcome: SupportVerified
    referrals: tuple[Referred, ...]
    decisions: tuple[Decision, ...]
    evidence: tuple[EvidencePointer, ...]
    proposal: Proposal | None = None  # an open rejection waiting for its confirmation

    @property
    def open(self) -> bool:
        return any(not r.decided for r in self.referrals)


@dataclass(frozen=True)
class QueueQuery:
    process_id: str
    aspirant_id: str | None = None
    cause: Cause | None = None
    after: str = ""  # keyset: the last support id of the previous page
    limit: int = 50


@dataclass(frozen=True)
class Sample:
    """INE's sample of one aspirant: how it was drawn, and where its review stands."""

    process_id: str
    aspirant_id: str
    size: int
    seed: int
    drawn: int  # supports actually referred (fewer than `size` if fewer were counted)
    decided: int = 0
    problems: int = 0
    escalated: int | None = None  # None while its review runs; then the supports the rule sent


@dataclass(frozen=True)
class Audited:
    """A decision in the audit list: its number, and the support's aspirant."""

    number: int
    aspirant_id: str
    decision: Decision


def pointers(evidence: Sequence[Mapping[str, Any]] | None) -> tuple[EvidencePointer, ...]:
    """From the `evidence` of an `identity.decoded` message, as JSON."""
    return tuple(EvidencePointer(e["kind"], e["object_key"], e["sha256"]) for e in evidence or ())


class DeskStore(Protocol):
    async def refer(self, referral: Referral, now: datetime) -> bool:
        """Desk.refer's storage; raises NotRecorded."""
        ...

    async def queue(self, query: QueueQuery) -> list[Item]: ...

    async def item(self, support_id: str) -> Item | None: ...

    async def inputs(self, support_ids: Sequence[str]) -> dict[str, IdentityDecoded]:
        """What verification was given for each support (recorded since the desk exists)."""
        ...

    async def sample(self, process_id: str, aspirant_id: str) -> Sample | None: ...

    async def counted(self, process_id: str, aspirant_id: str) -> list[str]:
        """The support ids of the aspirant whose published status is EN_LISTA_NOMINAL."""
        ...

    async def backlog(self) -> dict[tuple[str, str], int]:
        """Supports on the desk (with an open referral) by process and aspirant."""
        ...

    async def samples(self) -> list[Sample]:
        """Every aspirant's sample, its decisions counted."""
        ...

    async def audit(self, process_id: str, before: int | None, limit: int) -> list[Audited]:
        """The process's decisions, newest first; `before`: a decision number (keyset)."""
        ...


class HeldDesk(Protocol):
    """The desk's part of one transaction of the book (the citizens' locks held)."""

    async def referrals(self, support_id: str) -> list[Referred]: ...

    async def proposal(self, support_id: str) -> Proposal | None:
        """The support's open proposal (a decision's write settles it)."""
        ...

    async def propose(self, proposal: Proposal) -> None: ...

    async def draw(self, sample: Sample, chosen: Sequence[str], actor: str, now: datetime) -> int:
        """Keep the sample and refer the chosen supports (cause MUESTRA); the number referred.
        Raises SampleExists if the aspirant's sample is already kept."""
        ...

    async def sample_for_update(self, process_id: str, aspirant_id: str) -> Sample | None:
        """The aspirant's sample with its decisions counted, locked until the commit."""
        ...

    async def finish_sample(self, sample: Sample, full: bool, actor: str, now: datetime) -> int:
        """Close the sample's review; when `full`, first refer every counted support of the
        aspirant not in the sample (cause ASPIRANTE_COMPLETO). The number referred."""
        ...
