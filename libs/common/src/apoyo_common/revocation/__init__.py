"""Revoked tokens (docs/security.md, "Tokens"): a token whose subject or id (`jti`) is listed
is refused like an invalid one, by every service, within `max_age_s` of its revocation.

Each service keeps the whole list in memory (it is short) and reads it again in the
background every `max_age_s / 2`; capture, before it stores a support, reads it again if it is
older than `max_age_s`, so a revoked auxiliary cannot capture a minute later even if the
background reading had stalled.
"""

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal, Protocol

from apoyo_common.delivery import describe
from apoyo_common.logs import get_logger
from apoyo_common.tokens import Principal

log = get_logger(__name__)
Kind = Literal["subject", "jti"]
MAX_AGE_S = 30.0


@dataclass(frozen=True)
class Revocation:
    kind: Kind
    value: str
    revoked_at: datetime
    revoked_by: str
    reason: str = ""


class RevokedStore(Protocol):
    async def ensure_ready(self) -> None: ...

    async def add(self, revocation: Revocation) -> bool:
        """True when new; a second revocation of the same thing changes nothing."""
        ...

    async def all(self) -> set[tuple[str, str]]: ...


@dataclass
class InMemoryRevoked:
    rows: dict[tuple[str, str], Revocation] = field(default_factory=dict)

    async def ensure_ready(self) -> None:
        return None

    async def add(self, revocation: Revocation) -> bool:
        key = (revocation.kind, revocation.value)
        fresh = key not in self.rows
        self.rows.setdefault(key, revocation)
        return fresh

    async def all(self) -> set[tuple[str, str]]:
        return set(self.rows)


@dataclass
class RevocationList:
    store: RevokedStore
    max_age_s: float = MAX_AGE_S
    monotonic: Callable[[], float] = time.monotonic
    _revoked: frozenset[tuple[str, str]] = frozenset()
    _read_at: float | None = None

    def is_revoked(self, principal: Principal) -> bool:
        """From the list as last read: no I/O, for every request."""
        if ("subject", principal.subject) in self._revoked:
            return True
        return principal.token_id is not None and ("jti", principal.token_id) in self._revoked

    async def refresh(self) -> None:
        if self._read_at is None:
            await self.store.ensure_ready()
        self._revoked = frozenset(await self.store.all())
        self._read_at = self.monotonic()

    async def fresh(self) -> None:
        """Read again if the list is older than `max_age_s` (or never read)."""
        if self._read_at is None or self.monotonic() - self._read_at >= self.max_age_s:
            await self.refresh()

    async def refresh_forever(self) -> None:
        while True:
            try:
                await self.refresh()
            except Exception as error:  # the database away a moment: keep the last list
                log.warning("revocations_not_read", error=describe(error))
            await asyncio.sleep(max(self.max_age_s / 2, 0.05))
