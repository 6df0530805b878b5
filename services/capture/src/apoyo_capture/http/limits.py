"""Rate limits on the capture API: per client IP and per token (or e-mail), 429 + Retry-After."""

import hashlib
import math
from dataclasses import dataclass

from fastapi import Request

from apoyo_capture.http.auth import client_ip
from apoyo_capture.refusals import Refused
from apoyo_common.ratelimit import TokenBuckets


@dataclass
class RateLimits:
    by_ip: TokenBuckets
    by_key: TokenBuckets

    async def ip(self, request: Request) -> None:
        """A FastAPI dependency: runs before authentication, so floods of bad tokens count.
        Asynchronous (as are the token's), so FastAPI does not send it to a thread."""
        _refuse_after(self.by_ip.take("ip:" + client_ip(request)))

    def key(self, key: str) -> None:
        _refuse_after(self.by_key.take(key))


def _refuse_after(wait: float) -> None:
    if wait:
        raise Refused(
            429,
            "too_many_requests",
            "demasiadas solicitudes; intente más tarde",
            {"Retry-After": retry_after(wait)},
        )


def retry_after(wait: float) -> str:
    """Retry-After counts whole seconds: rounded up, never 0."""
    return str(max(1, math.ceil(wait)))


def hashed(kind: str, value: str) -> str:
    """A bucket key that keeps no personal data in memory (e-mail addresses)."""
    return kind + ":" + hashlib.sha256(value.strip().lower().encode()).hexdigest()[:32]
