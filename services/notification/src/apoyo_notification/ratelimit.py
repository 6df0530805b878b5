"""A token bucket per recipient domain, in memory: large providers throttle or block a sender
that floods them, so each domain gets `rate` letters a second after a `burst`.

Per process: with several replicas the allowance multiplies by their number.
"""

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class DomainLimits:
    rate: float  # tokens a second; 0: no limit
    burst: int
    clock: Callable[[], float]
    buckets: dict[str, tuple[float, float]] = field(default_factory=dict)  # tokens, at

    def wait(self, domain: str) -> float:
        """0 and a token taken, or the seconds until one is there (nothing taken)."""
        if self.rate <= 0:
            return 0.0
        now = self.clock()
        tokens, at = self.buckets.get(domain, (float(self.burst), now))
        tokens = min(float(self.burst), tokens + (now - at) * self.rate)
        if tokens >= 1:
            self.buckets[domain] = (tokens - 1, now)
            return 0.0
        self.buckets[domain] = (tokens, now)
        return (1 - tokens) / self.rate
