"""Public self-service: a campaign link per aspirant; the citizen proves an e-mail address with
a one-time code valid 24 hours and gets a citizen token good for one support.

The code goes out through notification (`email.code.requested` in capture's outbox); only its
HMAC is stored, and at most five wrong tries are taken per code.
"""

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from apoyo_capture.grants import (
    CODE_TTL,
    SELF_SERVICE_TOKEN_TTL,
    Grant,
    GrantKind,
    code_problem,
    subject_of,
    token_digest,
)
from apoyo_capture.guards import UPLOAD_GRACE
from apoyo_capture.invitations import EMAIL, aspirant_name, known_aspirant
from apoyo_capture.ports import ChannelRepository
from apoyo_capture.refusals import Refused, refuse_if
from apoyo_common.codes import Role
from apoyo_common.messages import EmailCodeRequested
from apoyo_common.onetime import MAX_CODE_ATTEMPTS, code_digest, new_code
from apoyo_common.tokens import Keys, Principal, issue


class CodeRequest(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    process_id: str = Field(min_length=1, max_length=64)
    aspirant_id: str = Field(min_length=1, max_length=64)
    email: str = Field(pattern=EMAIL, max_length=254)


class CodeCheck(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    request_id: str = Field(min_length=1, max_length=64)
    code: str = Field(pattern=r"^[0-9]{6}$")


@dataclass(frozen=True)
class CitizenToken:
    token: str
    expires_at: datetime
    process_id: str
    aspirant_id: str


@dataclass
class SelfService:
    repository: ChannelRepository
    clock: Callable[[], datetime]
    token_secret: str  # the HMAC key of the e-mailed codes
    token_keys: Keys | None = None  # signs the citizen tokens; None: token_secret alone

    async def request_code(self, request: CodeRequest) -> tuple[Grant, str]:
        """A new one-time code for the address; returns the grant and the code (for the demo)."""
        process = await known_aspirant(self.repository, request.process_id, request.aspirant_id)
        now = self.clock()
        if now >= process.capture.end:
            raise Refused.of("capture_closed")
        grant_id, code = str(uuid.uuid4()), new_code()
        grant = Grant(
            grant_id, GrantKind.AUTOSERVICIO, process.id, request.aspirant_id,
            request.email.lower(), now, now + CODE_TTL,
            code_hmac=code_digest(self.token_secret, grant_id, code),
        )  # fmt: skip
        mail = EmailCodeRequested(
            request_id=grant_id,
            process_id=process.id,
            aspirant_id=request.aspirant_id,
            aspirant_name=aspirant_name(process, request.aspirant_id),
            email=grant.email,
            code=code,
            expires_at=grant.expires_at,
        )
        await self.repository.add_grant(grant, mail)
        return grant, code

    async def verify_code(self, check: CodeCheck) -> CitizenToken:
        grant = await self.repository.grant(check.request_id)
        now = self.clock()
        problem = code_problem(
            grant, code_digest(self.token_secret, check.request_id, check.code), now
        )
        if problem == "code_wrong" and grant is not None:
            await self.repository.count_attempt(grant.grant_id)
            left = MAX_CODE_ATTEMPTS - grant.attempts - 1
            raise Refused.of("code_wrong", f"el código no coincide; quedan {left} intentos")
        refuse_if(problem)
        assert grant is not None
        process = await known_aspirant(self.repository, grant.process_id, grant.aspirant_id)
        expires = min(now + SELF_SERVICE_TOKEN_TTL, process.capture.end + UPLOAD_GRACE)
        subject = subject_of(GrantKind.AUTOSERVICIO, grant.grant_id)
        citizen = Principal(Role.CITIZEN, subject, grant.process_id, grant.aspirant_id)
        token = issue(self.token_keys or self.token_secret, citizen, expires - now)
        if not await self.repository.verify_email(
            grant.grant_id, now, token_digest(token), expires
        ):
            raise Refused.of("code_used")
        return CitizenToken(token, expires, grant.process_id, grant.aspirant_id)
