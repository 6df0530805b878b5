"""Single-use permissions for a citizen to give one support: invitations and self-service.

A grant is spent only by storing a support (never by opening a link). Its bearer token is a
signed citizen token whose subject names the grant; only the token's SHA-256 is stored, and
the one-time e-mail code only as an HMAC under the deployment's secret.
"""

import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from apoyo_common.onetime import MAX_CODE_ATTEMPTS

INVITATION_TTL = timedelta(days=14)
CODE_TTL = timedelta(hours=24)
SELF_SERVICE_TOKEN_TTL = timedelta(hours=24)


class GrantKind(StrEnum):
    INVITACION = "INVITACION"
    AUTOSERVICIO = "AUTOSERVICIO"


_PREFIX = {GrantKind.INVITACION: "invitation:", GrantKind.AUTOSERVICIO: "selfservice:"}


@dataclass(frozen=True)
class Grant:
    grant_id: str
    kind: GrantKind
    process_id: str
    aspirant_id: str
    email: str
    created_at: datetime
    expires_at: datetime
    token_sha256: str | None = None  # invitations from the start, self-service once verified
    code_hmac: str | None = None
    attempts: int = 0
    opened_at: datetime | None = None
    email_verified_at: datetime | None = None
    spent_at: datetime | None = None
    support_id: str | None = None

    @property
    def status(self) -> str:
        if self.spent_at is not None:
            return "USADA"
        return "ABIERTA" if self.opened_at is not None else "CREADA"

    def status_at(self, now: datetime) -> str:
        return "VENCIDA" if self.spent_at is None and now >= self.expires_at else self.status


def subject_of(kind: GrantKind, grant_id: str) -> str:
    return _PREFIX[kind] + grant_id


def grant_id_of(subject: str) -> str | None:
    """The grant a citizen token speaks for, or None when it names no grant."""
    for prefix in _PREFIX.values():
        if subject.startswith(prefix):
            return subject[len(prefix) :]
    return None


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def spend_problem(grant: Grant | None, token_sha256: str, now: datetime) -> str | None:
    """Why this grant cannot take a support now, as a refusal code; None when it can."""
    if grant is None or grant.token_sha256 is None:
        return "token_invalid"
    if not hmac.compare_digest(grant.token_sha256, token_sha256):
        return "token_invalid"
    if grant.spent_at is not None:
        return "token_used"
    if now >= grant.expires_at:
        return "token_expired"
    return None


def code_problem(grant: Grant | None, code_hmac: str, now: datetime) -> str | None:
    """Why this code does not verify the address, as a refusal code; None when it does."""
    if grant is None or grant.kind is not GrantKind.AUTOSERVICIO or grant.code_hmac is None:
        return "code_unknown"
    if grant.email_verified_at is not None:
        return "code_used"
    if now >= grant.expires_at:
        return "code_expired"
    if grant.attempts >= MAX_CODE_ATTEMPTS:
        return "too_many_attempts"
    if not hmac.compare_digest(grant.code_hmac, code_hmac):
        return "code_wrong"
    return None
