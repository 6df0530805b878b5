from datetime import timedelta

import pytest

from apoyo_capture.guards import RateLimiter, window_problem
from tests.factories import process

WINDOW = process().capture
START, END = WINDOW.start, WINDOW.end
H = timedelta(hours=1)


@pytest.mark.parametrize(
    "captured,received,problem",
    [
        (START + H, START + H, None),
        (None, START + H, None),
        (END, END, None),
        (END - H, END + 23 * H, None),  # captured in time, uploaded within the grace
        (END - H, END + 25 * H, "upload_late"),
        (END + H, END + H, "capture_closed"),
        (None, END + H, "capture_closed"),
        (START - H, START + H, "capture_not_open"),
        (None, START - H, "capture_not_open"),
        (START + 3 * H, START + H, "captured_in_future"),
        (START + H + timedelta(minutes=5), START + H, None),  # a phone a little ahead
    ],
)
def test_capture_window(captured: object, received: object, problem: str | None) -> None:
    assert window_problem(WINDOW, captured, received) == problem  # type: ignore[arg-type]


class Ticks:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_token_bucket_allows_a_burst_then_refills_at_the_rate() -> None:
    ticks = Ticks()
    limiter = RateLimiter(rate_per_s=2, burst=3, clock=ticks)
    assert [limiter.take("a") for _ in range(3)] == [0, 0, 0]
    assert limiter.take("a") >= 1  # seconds to wait, for Retry-After
    assert limiter.take("b") == 0  # buckets are per key
    ticks.now += 0.5
    assert limiter.take("a") == 0
    assert limiter.take("a") > 0


def test_zero_rate_is_no_limit_and_idle_buckets_are_forgotten() -> None:
    assert all(RateLimiter(0, 1).take("a") == 0 for _ in range(100))
    ticks = Ticks()
    limiter = RateLimiter(rate_per_s=1, burst=1, clock=ticks, max_keys=10)
    for n in range(11):
        limiter.take(f"k{n}")
    ticks.now += 5
    limiter.take("late")
    assert len(limiter._buckets) <= 11
    for n in range(12):
        limiter.take(f"m{n}")
    assert len(limiter._buckets) < 23
