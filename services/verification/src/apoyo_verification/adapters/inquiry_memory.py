"""In-memory inquiry book over the in-memory support book and processes: the tests' fake."""

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime

from apoyo_common.messages import EmailCodeRequested
from apoyo_common.processes import ProcessDefinition
from apoyo_verification.adapters.book_memory import InMemoryProcesses, InMemorySupportBook
from apoyo_verification.inquiry.domain import LookupCode, Registered
from apoyo_verification.recording import CitizenKey


@dataclass
class InMemoryInquiryBook:
    book: InMemorySupportBook
    known: InMemoryProcesses
    codes: dict[str, LookupCode] = field(default_factory=dict)
    mails: list[EmailCodeRequested] = field(default_factory=list)

    async def processes(self) -> list[ProcessDefinition]:
        return list(self.known.known.values())

    async def registered(self, citizens: Sequence[CitizenKey]) -> list[Registered]:
        wanted = set(citizens)
        # By the message's citizen key, as PostgreSQL does (the inquiry computes those keys).
        outcomes = self.book.outcomes.values()
        found = [
            o.published
            for o in outcomes
            if (o.published.process_id, o.published.citizen_key) in wanted
        ]
        return [
            Registered(
                s.support_id,
                s.process_id,
                s.aspirant_id,
                s.channel.value,
                s.status,
                s.received_at,
                s.email,
            )
            for s in sorted(found, key=lambda s: (s.received_at, s.support_id))
        ]

    async def add_code(self, code: LookupCode, mail: EmailCodeRequested) -> None:
        self.codes[code.request_id] = code
        self.mails.append(mail)

    async def latest_code(self, clave_hmac: str) -> LookupCode | None:
        mine = [c for c in self.codes.values() if c.clave_hmac == clave_hmac]
        return max(mine, key=lambda c: c.created_at, default=None)

    async def count_attempt(self, request_id: str) -> None:
        code = self.codes[request_id]
        self.codes[request_id] = replace(code, attempts=code.attempts + 1)

    async def spend(self, request_id: str, at: datetime) -> bool:
        code = self.codes[request_id]
        if code.spent_at is not None:
            return False
        self.codes[request_id] = replace(code, spent_at=at)
        return True
