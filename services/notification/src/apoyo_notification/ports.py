"""The notification service's ports: where letters go, and the delivery log that makes
sending happen at most once per event."""

from collections.abc import Collection, Sequence
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


Kept = tuple[SupportNotified, datetime | None]  # an outcome and its `verified_at`


class Outcomes(Protocol):
    """The outcome notified for each support: the latest by `verified_at` wins. A batch's
    outcomes are read in one query and recorded in one statement."""

    async def latest(self, support_ids: Collection[str]) -> dict[str, Kept]:
        """The outcome kept for each of them that has one, with its `verified_at` (None:
        recorded before revisions were followed)."""
        ...

    async def record(
        self, outcomes: Sequence[tuple[SupportNotified, datetime]]
    ) -> dict[str, SupportNotified]:
        """Keep each (one a support) unless a later outcome is recorded; return the ones kept,
        by support."""
        ...
