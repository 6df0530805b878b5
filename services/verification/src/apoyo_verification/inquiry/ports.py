"""The inquiry's storage port: the outcomes recorded per citizen, the processes, the codes."""

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from apoyo_common.messages import EmailCodeRequested
from apoyo_common.processes import ProcessDefinition
from apoyo_verification.inquiry.domain import LookupCode, Registered
from apoyo_verification.recording import CitizenKey


class InquiryBook(Protocol):
    async def processes(self) -> list[ProcessDefinition]: ...

    async def registered(self, citizens: Sequence[CitizenKey]) -> list[Registered]:
        """Every support recorded for these (process, citizen key) pairs, oldest first."""
        ...

    async def add_code(self, code: LookupCode, mail: EmailCodeRequested) -> None:
        """Store the code and, in the same transaction, the mail that carries it (outbox)."""
        ...

    async def latest_code(self, clave_hmac: str) -> LookupCode | None: ...

    async def count_attempt(self, request_id: str) -> None: ...

    async def spend(self, request_id: str, at: datetime) -> bool:
        """Mark the code used; False when it already was (two requests raced)."""
        ...
