"""Invitations by e-mail: one signed, single-use, expiring link per address.

The link carries a citizen token naming the invitation; only its SHA-256 is stored. Opening
the link records the first opening and spends nothing (mail scanners open links first); the
support stored with the token spends it. The e-mail itself goes out through notification:
capture stores an `invitation.created` event in its outbox in the same transaction.
"""

import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from pydantic import BaseModel, ConfigDict, Field

from apoyo_capture.access import require_aspirant
from apoyo_capture.grants import Grant, GrantKind, grant_id_of, spend_problem, subject_of
from apoyo_capture.grants import token_digest as digest
from apoyo_capture.guards import UPLOAD_GRACE
from apoyo_capture.ports import ChannelRepository
from apoyo_capture.refusals import Refused
from apoyo_common.codes import Role
from apoyo_common.messages import InvitationCreated
from apoyo_common.processes import ProcessDefinition
from apoyo_common.tokens import InvalidToken, Keys, Principal, issue, verify

# No control characters (a NUL or CR/LF would reach the mail headers) and no spaces.
EMAIL = r"^[^@\s\x00-\x1f\x7f]{1,64}@[^@\s\x00-\x1f\x7f]+\.[^@\s\x00-\x1f\x7f]+$"


class InvitationRequest(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    process_id: str = Field(min_length=1, max_length=64)
    aspirant_id: str = Field(min_length=1, max_length=64)
    emails: list[str] = Field(min_length=1, max_length=500)
    valid_days: int = Field(default=14, ge=1, le=60)


@dataclass(frozen=True)
class Invited:
    grant: Grant
    link: str


async def known_aspirant(
    repository: ChannelRepository, process_id: str, aspirant_id: str
) -> ProcessDefinition:
    process = await repository.process(process_id)
    if process is None:
        raise Refused(422, "unknown_process", "el proceso no existe")
    if not process.has_aspirant(aspirant_id):
        raise Refused(422, "unknown_aspirant", "el aspirante no pertenece al proceso")
    return process


def aspirant_name(process: ProcessDefinition, aspirant_id: str) -> str:
    return next(a.name for a in process.aspirants if a.id == aspirant_id)


def valid_emails(emails: list[str]) -> list[str]:
    cleaned = list(dict.fromkeys(e.strip().lower() for e in emails))
    bad = [i for i, e in enumerate(cleaned) if len(e) > 254 or not re.match(EMAIL, e)]
    if bad:
        raise Refused(422, "validation_error", {"fields": [f"emails.{i}" for i in bad]})
    return cleaned


@dataclass
class InvitationService:
    repository: ChannelRepository
    clock: Callable[[], datetime]
    token_secret: Keys  # the token keyring (or one secret)

    async def invite(
        self, principal: Principal, request: InvitationRequest, base_url: str
    ) -> list[Invited]:
        require_aspirant(principal, request.process_id, request.aspirant_id)
        process = await known_aspirant(self.repository, request.process_id, request.aspirant_id)
        now = self.clock()
        expires = min(now + timedelta(days=request.valid_days), process.capture.end + UPLOAD_GRACE)
        if expires <= now:
            raise Refused.of("capture_closed")
        return [
            await self._one(process, request.aspirant_id, email, now, expires, base_url)
            for email in valid_emails(request.emails)
        ]

    async def _one(
        self,
        process: ProcessDefinition,
        aspirant_id: str,
        email: str,
        now: datetime,
        expires: datetime,
        base_url: str,
    ) -> Invited:
        grant_id = str(uuid.uuid4())
        subject = subject_of(GrantKind.INVITACION, grant_id)
        citizen = Principal(Role.CITIZEN, subject, process.id, aspirant_id)
        token = issue(self.token_secret, citizen, expires - now)
        grant = Grant(
            grant_id, GrantKind.INVITACION, process.id, aspirant_id, email, now, expires,
            token_sha256=digest(token),
        )  # fmt: skip
        link = f"{base_url.rstrip('/')}/i/{token}"
        mail = InvitationCreated(
            invitation_id=grant_id,
            process_id=process.id,
            aspirant_id=aspirant_id,
            aspirant_name=aspirant_name(process, aspirant_id),
            email=email,
            link=link,
            expires_at=expires,
        )
        await self.repository.add_grant(grant, mail)
        return Invited(grant, link)

    async def listing(self, principal: Principal, process_id: str, aspirant_id: str) -> list[Grant]:
        require_aspirant(principal, process_id, aspirant_id)
        await known_aspirant(self.repository, process_id, aspirant_id)
        return await self.repository.invitations(process_id, aspirant_id)

    async def open(self, token: str) -> tuple[Grant | None, str | None]:
        """The invitation a link names and why it cannot be used (None: it can). Records the
        first opening of a usable link; never spends it."""
        try:
            principal = verify(self.token_secret, token)
        except InvalidToken:
            return None, "token_invalid"
        grant_id = grant_id_of(principal.subject)
        grant = await self.repository.grant(grant_id) if grant_id else None
        now = self.clock()
        problem = spend_problem(grant, digest(token), now)
        if grant is not None and problem is None and grant.opened_at is None:
            await self.repository.mark_opened(grant.grant_id, now)
        return grant, problem
