"""The capture service's port to its storage, and the values that cross it."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from apoyo_capture.auxiliaries import Auxiliary, AuxiliaryCount
from apoyo_capture.certificate import Submission
from apoyo_capture.grants import Grant
from apoyo_capture.listing import ListedSupport, SupportQuery
from apoyo_common.messages import (
    EmailCodeRequested,
    InvitationCreated,
    SupportCaptured,
    SupportVerified,
)
from apoyo_common.outbox import OutboxItem
from apoyo_common.processes import ProcessDefinition


@dataclass(frozen=True)
class StoredAnswer:
    """What `POST /v1/supports` answered for one idempotency key."""

    support_id: str
    received_at: datetime
    fingerprint: str


@dataclass(frozen=True)
class SupportView:
    support_id: str
    process_id: str
    aspirant_id: str
    channel: str
    status: str
    reasons: tuple[str, ...]
    received_at: datetime
    updated_at: datetime


class IdempotencyRace(Exception):
    """Another request with the same idempotency key was stored first."""


class GrantSpent(Exception):
    """The grant was spent, expired or replaced while this support was being stored."""


class AuxiliaryTaken(Exception):
    """That clave de elector is already an active auxiliary in the process."""


class ChannelRepository(Protocol):
    """Invitations and self-service grants, auxiliaries and certificates."""

    async def process(self, process_id: str) -> ProcessDefinition | None: ...

    async def add_grant(self, grant: Grant, mail: InvitationCreated | EmailCodeRequested) -> None:
        """Store the grant and, in the same transaction, the mail notification will send."""

    async def grant(self, grant_id: str) -> Grant | None: ...

    async def invitations(self, process_id: str, aspirant_id: str) -> list[Grant]:
        """The aspirant's invitations, oldest first."""

    async def mark_opened(self, grant_id: str, at: datetime) -> None:
        """The first opening only: later ones change nothing."""

    async def count_attempt(self, grant_id: str) -> None: ...

    async def verify_email(
        self, grant_id: str, at: datetime, token_sha256: str, expires_at: datetime
    ) -> bool:
        """Mark the address proven and arm the token; False when it was already proven."""

    async def add_auxiliary(self, auxiliary: Auxiliary) -> None: ...

    async def auxiliary(self, auxiliary_id: str) -> Auxiliary | None: ...

    async def revoke_auxiliary(self, auxiliary_id: str, at: datetime) -> Auxiliary | None: ...

    async def auxiliary_counts(self, process_id: str, aspirant_id: str) -> list[AuxiliaryCount]: ...

    async def certificate_facts(
        self, support_id: str
    ) -> tuple[SupportCaptured, Submission, Grant | None] | None: ...

    async def certificate(self, support_id: str) -> bytes | None: ...

    async def save_certificate(self, support_id: str, document: bytes) -> bytes:
        """Store the document unless one is stored already; return the stored one."""


class CaptureRepository(ChannelRepository, Protocol):
    async def process(self, process_id: str) -> ProcessDefinition | None: ...

    async def save_process(self, definition: ProcessDefinition) -> None: ...

    async def answer_for(self, principal: str, idempotency_key: str) -> StoredAnswer | None: ...

    async def save_support(
        self,
        event: SupportCaptured,
        principal: str,
        idempotency_key: str,
        fingerprint: str,
        submission: Submission | None = None,
        spend: str | None = None,
        certificate: bytes | None = None,
    ) -> StoredAnswer:
        """Store the support; with `spend` (a token's SHA-256) spend `submission.grant_id` in
        the same transaction, or raise GrantSpent and store nothing; with `certificate`, its
        signed certificate in the same transaction too, and the `support.captured` it
        publishes carries it (version 2)."""

    async def support(self, support_id: str) -> SupportView | None: ...

    async def supports_page(self, query: SupportQuery) -> list[ListedSupport]:
        """One page of the aspirant's supports matching the query, newest first."""

    async def apply_verdict(self, verified: SupportVerified) -> None: ...

    async def apply_verdicts(self, verdicts: Sequence[SupportVerified]) -> None:
        """Each applied as `apply_verdict` applies it, in order, together."""
        ...

    async def claim_outbox(self, limit: int) -> list[OutboxItem]: ...

    async def mark_published(self, ids: list[int]) -> None: ...
