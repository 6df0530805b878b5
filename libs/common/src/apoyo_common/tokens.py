"""Bearer tokens signed by the deployment's keys (HS256 JWT; docs/security.md, "Tokens").

Claims: role, process, aspirant, subject, issue and expiry times and a token id (`jti`); the
header names the key (`kid`). A keyring holds the keys: the current one signs, every key in it
verifies, so a key is rotated by adding a new current one and retired, once the tokens it
signed have expired, by removing it.
"""

import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta

import jwt

from apoyo_common.codes import Role

ALGORITHM = "HS256"
KEY_ID = "k1"  # the id of a lone secret (APOYO_TOKEN_SECRET without a keyring)


class InvalidToken(Exception):
    """The token is missing, malformed, forged or expired."""


@dataclass(frozen=True)
class Principal:
    role: Role
    subject: str
    process_id: str | None = None
    aspirant_id: str | None = None
    token_id: str | None = field(default=None, compare=False)  # the `jti`, when verified


@dataclass(frozen=True)
class TokenKeys:
    """What makes a token valid here: key id -> secret (`current` signs, all of them verify)
    and, when given, the check of revoked tokens (apoyo_common.revocation)."""

    current: str
    keys: Mapping[str, str]
    revoked: Callable[[Principal], bool] | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        if self.current not in self.keys:
            raise ValueError(f"the current token key {self.current!r} is not in the keyring")
        if not all(kid and secret for kid, secret in self.keys.items()):
            raise ValueError("every token key needs an id and a secret")

    @classmethod
    def single(cls, secret: str, kid: str = KEY_ID) -> "TokenKeys":
        return cls(kid, {kid: secret})

    def revoking(self, revoked: Callable[[Principal], bool]) -> "TokenKeys":
        return replace(self, revoked=revoked)


Keys = TokenKeys | str  # a bare secret is a keyring of one key, `k1`


def keyring_of(keys: Keys) -> TokenKeys:
    return TokenKeys.single(keys) if isinstance(keys, str) else keys


def issue(keys: Keys, principal: Principal, ttl: timedelta) -> str:
    ring = keyring_of(keys)
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
    secret = ring.keys[ring.current]
    return jwt.encode(claims, secret, algorithm=ALGORITHM, headers={"kid": ring.current})


def verify(keys: Keys, token: str) -> Principal:
    """The token's principal; InvalidToken when malformed, expired, or not signed by a key of
    the keyring (a retired key's tokens included)."""
    ring = keyring_of(keys)
    principal, _ = _signed(ring, token)
    _refuse_revoked(ring, principal)
    return principal


class VerifiedTokens:
    """`verify` for a keyring that does not change, its signature checks remembered.

    A device sends its supports with one token, and checking its signature (a header and a
    body decoded, an HMAC) cost about 4% of a support's reception: a token checked once is
    kept with its expiry, up to `size` tokens (all forgotten when full). Expiry and revocation
    are still checked at every use; only the same token, byte for byte, is found again.
    """

    def __init__(
        self, keys: Keys, clock: Callable[[], float] = time.time, size: int = 4096
    ) -> None:
        self.ring, self.clock, self.size = keyring_of(keys), clock, size
        self._known: dict[str, tuple[Principal, float]] = {}

    def verify(self, token: str) -> Principal:
        known = self._known.get(token)
        if known is None:
            known = _signed(self.ring, token)
            if len(self._known) >= self.size:
                self._known.clear()
            self._known[token] = known
        principal, expires = known
        if self.clock() >= expires:  # as PyJWT: valid while now < exp
            del self._known[token]
            raise InvalidToken("ExpiredSignatureError")
        _refuse_revoked(self.ring, principal)
        return principal


def _signed(ring: TokenKeys, token: str) -> tuple[Principal, float]:
    """The principal of a token signed by a key of the ring and not expired, and its expiry
    (a POSIX timestamp)."""
    try:
        kid = jwt.get_unverified_header(token).get("kid")
        secret = ring.keys.get(kid) if isinstance(kid, str) else None
        if secret is None:
            raise InvalidToken("UnknownKey")
        claims = jwt.decode(
            token, secret, algorithms=[ALGORITHM], options={"require": ["exp", "sub", "role"]}
        )
        principal = Principal(
            role=Role(claims["role"]),
            subject=str(claims["sub"]),
            process_id=claims.get("process"),
            aspirant_id=claims.get("aspirant"),
            token_id=claims.get("jti"),
        )
        return principal, float(claims["exp"])
    except (jwt.PyJWTError, ValueError, KeyError, TypeError) as error:
        raise InvalidToken(type(error).__name__) from None


def _refuse_revoked(ring: TokenKeys, principal: Principal) -> None:
    if ring.revoked is not None and ring.revoked(principal):
        raise InvalidToken("Revoked")


def parse_ttl(text: str) -> timedelta:
    """`30m`, `12h`, `7d` or a number of seconds."""
    units = {"s": 1, "m": 60, "h": 3600, "d": 86400}
    text = text.strip().lower()
    if text and text[-1] in units:
        return timedelta(seconds=float(text[:-1]) * units[text[-1]])
    return timedelta(seconds=float(text))
