"""What notification sends: a letter, rendered and addressed, under a message id.

The message id is derived from the event a letter answers, so the same event always yields
the same id: a redelivered event finds its letter already recorded (sent at most once), and
the id doubles as the `Message-ID` header a receiving server can de-duplicate on.
"""

import hashlib
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class Kind(StrEnum):
    INVITATION = "invitation"
    EMAIL_CODE = "email_code"
    OUTCOME = "outcome"
    DAILY_SUMMARY = "daily_summary"


@dataclass(frozen=True)
class Letter:
    """Personal data (the address, and the names, codes and links in the text): never logged."""

    message_id: str
    kind: Kind
    to: str
    subject: str
    text: str
    html: str
    expires_at: datetime | None = None  # a code or link past this is not worth sending
    process_id: str | None = None  # whose data key seals it while queued (docs/security.md)

    @property
    def domain(self) -> str:
        return recipient_domain(self.to)


@dataclass(frozen=True)
class Claim:
    """A letter taken for one send attempt; `attempt` counts from 1."""

    letter: Letter
    attempt: int


def message_id(kind: Kind, *parts: str) -> str:
    """sha256 of the kind and the event's identifying parts (hex)."""
    return hashlib.sha256("\x1f".join((kind.value, *parts)).encode()).hexdigest()


def recipient_domain(address: str) -> str:
    """The part after the last `@`, lower case: what the delivery log keeps of an address."""
    return address.rsplit("@", 1)[-1].strip().strip(">").lower() or "?"
