"""The values of a citizen's inquiry: pure, no storage."""

import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime, timedelta

from apoyo_common.codes import Status
from apoyo_common.onetime import MAX_CODE_ATTEMPTS
from apoyo_common.rules.clave import is_valid_format

CODE_TTL = timedelta(minutes=30)
SESSION_TTL = timedelta(minutes=30)  # to report what was seen, without typing a code again
NOTE_MAX = 2000
SUBJECT_PREFIX = "consulta:"


@dataclass(frozen=True)
class Registered:
    """A support recorded under a citizen's identity. The address is only compared, never shown."""

    support_id: str
    process_id: str
    aspirant_id: str
    channel: str
    status: Status
    received_at: datetime
    email: str | None


@dataclass(frozen=True)
class LookupCode:
    request_id: str
    clave_hmac: str
    code_hmac: str
    created_at: datetime
    expires_at: datetime
    attempts: int = 0
    spent_at: datetime | None = None

    def usable(self, now: datetime) -> bool:
        return self.spent_at is None and now < self.expires_at and self.attempts < MAX_CODE_ATTEMPTS


def clave_of(text: str) -> str | None:
    """The clave in its one written form, or None when it is not a clave de elector."""
    clave = text.strip().upper()
    return clave if is_valid_format(clave) else None


def clave_hmac(secret: str, clave: str) -> str:
    """What the inquiry stores and puts in rate-limit keys and tokens: never the clave itself."""
    message = f"inquiry\x1f{clave}".encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()[:32]


def same_address(given: str, recorded: str | None) -> bool:
    return recorded is not None and given.strip().lower() == recorded.strip().lower()
