"""Token buckets by key, in this process's memory: capture limits requests per client IP and
per token, notification limits e-mails per recipient domain.

Behind several replicas each keeps its own buckets, so the effective limit is the sum; one
limit across them would need a shared store (PostgreSQL or Redis).
"""

import time
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class TokenBuckets:
    rate_per_s: float  # tokens a second; 0: no limit
    burst: int
    clock: Callable[[], float] = time.monotonic
    max_keys: int = 100_000
    _buckets: dict[str, tuple[float, float]] = field(default_factory=dict)  # tokens, at

    def take(self, key: str) -> float:
        """Take one token: 0 when there was one, else the seconds until there is (nothing is
        taken then)."""
        if self.rate_per_s <= 0:
            return 0.0
        now = self.clock()
        tokens, last = self._buckets.get(key, (float(self.burst), now))
        tokens = min(float(self.burst), tokens + (now - last) * self.rate_per_s)
        if tokens < 1:
            self._buckets[key] = (tokens, now)
            return (1 - tokens) / self.rate_per_s
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
