"""Bearer tokens signed by the deployment's key (HS256 JWT).

Claims: role, process, aspirant, subject, expiry and a key id (`kid`) so that keys can be
rotated later without invalidating every token at once.
"""

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import jwt

from apoyo_common.codes import Role

ALGORITHM = "HS256"
KEY_ID = "k1"


class InvalidToken(Exception):
    """The token is missing, malformed, forged or expired."""


@dataclass(frozen=True)
class Principal:
    role: Role
    subject: str
    process_id: str | None = None
    aspirant_id: str | None = None


def issue(secret: str, principal: Principal, ttl: timedelta) -> str:
    now = datetime.now(UTC)
    claims = {
        "sub": principal.subject,
        "role": principal.role.value,
        "process": principal.process_id,
        "aspirant": principal.aspirant_id,
        "iat": now,
        "exp": now + ttl,
        "jti": uuid.uuid4().hex,
    }
    return jwt.encode(claims, secret, algorithm=ALGORITHM, headers={"kid": KEY_ID})


def verify(secret: str, token: str) -> Principal:
    try:
        claims = jwt.decode(
            token, secret, algorithms=[ALGORITHM], options={"require": ["exp", "sub", "role"]}
        )
        return Principal(
            role=Role(claims["role"]),
            subject=str(claims["sub"]),
            process_id=claims.get("process"),
            aspirant_id=claims.get("aspirant"),
        )
    except (jwt.PyJWTError, ValueError, KeyError) as error:
        raise InvalidToken(type(error).__name__) from None


def parse_ttl(text: str) -> timedelta:
    """`30m`, `12h`, `7d` or a number of seconds."""
    units = {"s": 1, "m": 60, "h": 3600, "d": 86400}
    text = text.strip().lower()
    if text and text[-1] in units:
        return timedelta(seconds=float(text[:-1]) * units[text[-1]])
    return timedelta(seconds=float(text))
