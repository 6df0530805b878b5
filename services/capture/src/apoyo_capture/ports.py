"""The capture service's port to its storage, and the values that cross it."""

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from apoyo_common.messages import SupportCaptured, SupportVerified
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


class CaptureRepository(Protocol):
    async def process(self, process_id: str) -> ProcessDefinition | None: ...

    async def save_process(self, definition: ProcessDefinition) -> None: ...

    async def answer_for(self, principal: str, idempotency_key: str) -> StoredAnswer | None: ...

    async def save_support(
        self, event: SupportCaptured, principal: str, idempotency_key: str, fingerprint: str
    ) -> StoredAnswer: ...

    async def support(self, support_id: str) -> SupportView | None: ...

    async def apply_verdict(self, verified: SupportVerified) -> None: ...

    async def claim_outbox(self, limit: int) -> list[OutboxItem]: ...

    async def mark_published(self, ids: list[int]) -> None: ...
