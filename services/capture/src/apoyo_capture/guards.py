"""Capture-time guards that need no storage: the capture window and token-bucket rate limits."""

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from apoyo_common.processes import CaptureWindow

UPLOAD_GRACE = timedelta(hours=24)  # what was captured in time may arrive up to a day late
CLOCK_SKEW = timedelta(minutes=10)  # phones' clocks run a little ahead


def window_problem(
    window: CaptureWindow, captured_at: datetime | None, received_at: datetime
) -> str | None:
    """Why a support is out of the process's time, as a refusal code; None when on time."""
    captured = captured_at or received_at
    if captured > received_at + CLOCK_SKEW:
        return "captured_in_future"
    if captured < window.start or received_at < window.start:
        return "capture_not_open"
    if captured > window.end:
        return "capture_closed"
    if received_at > window.end + UPLOAD_GRACE:
        return "upload_late"
    return None


@dataclass
class RateLimiter:
    """Token buckets by key (an IP address, a token's subject), in this process's memory.

    Behind several replicas each keeps its own buckets, so the effective limit is the sum;
    a shared store (PostgreSQL or Redis) would be needed for one limit across them.
    """

    rate_per_s: float
    burst: int
    clock: Callable[[], float] = time.monotonic
    max_keys: int = 100_000
    _buckets: dict[str, tuple[float, float]] = field(default_factory=dict)

    def take(self, key: str) -> float:
        """Take one token: 0 when allowed, else the seconds to wait before trying again."""
        if self.rate_per_s <= 0:
            return 0.0
        now = self.clock()
        tokens, last = self._buckets.get(key, (float(self.burst), now))
        tokens = min(float(self.burst), tokens + (now - last) * self.rate_per_s)
        if tokens < 1:
            self._buckets[key] = (tokens, now)
            return max(1.0, math.ceil((1 - tokens) / self.rate_per_s))
        self._buckets[key] = (tokens - 1, now)
        if len(self._buckets) > self.max_keys:
            self._forget_idle(now)
        return 0.0

    def _forget_idle(self, now: float) -> None:
        # A bucket that has refilled is the same as no bucket: drop it.
        full = [
            k
            for k, (tokens, last) in self._buckets.items()
            if tokens + (now - last) * self.rate_per_s >= self.burst
        ]
        for key in full:
            del self._buckets[key]
