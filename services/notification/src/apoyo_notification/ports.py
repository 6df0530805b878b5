"""The notification service's ports: where letters go, and the delivery log that makes
sending happen at most once per event."""

from datetime import datetime
from email.message import EmailMessage
from enum import StrEnum
from typing import Protocol

from apoyo_common.messages import SupportNotified
from apoyo_notification.letters import Claim, Letter


class State(StrEnum):
    PENDING = "PENDING"  # recorded, never tried (or put back by the rate limit)
    SENDING = "SENDING"  # claimed for an attempt; due again only when its lease runs out
    FAILED = "FAILED"  # the last attempt failed; due again at its next attempt
    SENT = "SENT"
    ABANDONED = "ABANDONED"  # every attempt failed
    EXPIRED = "EXPIRED"  # its code or link expired before it could be sent


SETTLED = (State.SENT, State.ABANDONED, State.EXPIRED)


class Sender(Protocol):
    async def send(self, message: EmailMessage) -> None:
        """Return once the message was accepted; raise if it was not."""
        ...


class MailLog(Protocol):
    async def record(self, letter: Letter, now: datetime) -> bool:
        """Record the intent (PENDING) once per message id; False when already recorded."""
        ...

    async def claim(self, message_id: str, now: datetime, until: datetime) -> Claim | None:
        """Take the letter for an attempt if it is due and not settled (lease until `until`)."""
        ...

    async def claim_due(self, now: datetime, until: datetime, limit: int) -> list[Claim]: ...

    async def settle(self, message_id: str, state: State, now: datetime) -> None:
        """SENT, ABANDONED or EXPIRED: the letter (address and text) is dropped."""
        ...

    async def failed(self, message_id: str, error: str, retry_at: datetime) -> None: ...

    async def put_back(self, message_id: str, at: datetime) -> None:
        """Not tried after all (rate limit): PENDING again, the attempt not counted."""
        ...

    async def state(self, message_id: str) -> State | None: ...


class Outcomes(Protocol):
    """The outcome notified for each support: the latest by `verified_at` wins."""

    async def latest(self, support_id: str) -> tuple[SupportNotified, datetime | None] | None:
        """The outcome kept and its `verified_at` (None: recorded before revisions were
        followed)."""
        ...

    async def record(self, notified: SupportNotified, verified_at: datetime) -> SupportNotified:
        """Keep it unless a later outcome is recorded; return the one kept."""
        ...
