"""In-memory fakes of the ports, for unit tests."""

from collections import Counter
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from email.message import EmailMessage

from apoyo_common.codes import Status
from apoyo_common.messages import SupportNotified
from apoyo_common.processes import ProcessDefinition
from apoyo_notification.letters import Claim, Letter
from apoyo_notification.ports import SETTLED, Kept, State
from apoyo_notification.summaries import AspirantOf, aspirants_of


@dataclass
class MemorySender:
    sent: list[EmailMessage] = field(default_factory=list)
    failures: list[Exception] = field(default_factory=list)  # raised, in turn, before sending

    async def send(self, message: EmailMessage) -> None:
        if self.failures:
            raise self.failures.pop(0)
        self.sent.append(message)


@dataclass
class Row:
    letter: Letter | None
    state: State
    due: datetime
    attempts: int = 0
    last_error: str | None = None
    domain: str = ""


@dataclass
class MemoryMailLog:
    rows: dict[str, Row] = field(default_factory=dict)

    async def record(self, letter: Letter, now: datetime) -> bool:
        if letter.message_id in self.rows:
            return False
        self.rows[letter.message_id] = Row(letter, State.PENDING, now, domain=letter.domain)
        return True

    async def claim(self, message_id: str, now: datetime, until: datetime) -> Claim | None:
        row = self.rows.get(message_id)
        if row is None or row.state in SETTLED or row.due > now or row.letter is None:
            return None
        row.state, row.due, row.attempts = State.SENDING, until, row.attempts + 1
        return Claim(row.letter, row.attempts)

    async def claim_due(self, now: datetime, until: datetime, limit: int) -> list[Claim]:
        due = sorted((r.due, k) for k, r in self.rows.items() if r.state not in SETTLED)
        claims = [await self.claim(key, now, until) for _, key in due[:limit]]
        return [c for c in claims if c is not None]

    async def settle(self, message_id: str, state: State, now: datetime) -> None:
        row = self.rows[message_id]
        row.state, row.letter = state, None

    async def failed(self, message_id: str, error: str, retry_at: datetime) -> None:
        row = self.rows[message_id]
        row.state, row.last_error, row.due = State.FAILED, error, retry_at

    async def put_back(self, message_id: str, at: datetime) -> None:
        row = self.rows[message_id]
        row.state, row.due, row.attempts = State.PENDING, at, row.attempts - 1

    async def state(self, message_id: str) -> State | None:
        row = self.rows.get(message_id)
        return None if row is None else row.state


@dataclass
class MemoryOutcomes:
    rows: dict[str, tuple[SupportNotified, datetime]] = field(default_factory=dict)

    async def latest(self, support_ids: Collection[str]) -> dict[str, Kept]:
        return {s: self.rows[s] for s in support_ids if s in self.rows}

    async def record(
        self, outcomes: Sequence[tuple[SupportNotified, datetime]]
    ) -> dict[str, SupportNotified]:
        for notified, verified_at in outcomes:
            kept = self.rows.get(notified.support_id)
            if kept is None or kept[1] < verified_at:
                self.rows[notified.support_id] = (notified, verified_at)
        return {n.support_id: self.rows[n.support_id][0] for n, _ in outcomes}


@dataclass
class MemoryTallies:
    known: dict[str, AspirantOf] = field(default_factory=dict)
    outcomes: MemoryOutcomes = field(default_factory=MemoryOutcomes)

    async def save_process(self, process: ProcessDefinition) -> None:
        self.known.update((a.key, a) for a in aspirants_of(process))

    async def aspirants(self) -> list[AspirantOf]:
        return [self.known[key] for key in sorted(self.known)]

    async def counts(self, process_id: str, aspirant_id: str) -> dict[Status, int]:
        found = [n for n, _ in self.outcomes.rows.values()]
        mine = [
            n.status for n in found if (n.process_id, n.aspirant_id) == (process_id, aspirant_id)
        ]
        return dict(Counter(mine))
