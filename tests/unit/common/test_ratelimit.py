from apoyo_common.ratelimit import TokenBuckets


class Ticks:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_each_key_has_its_own_burst_then_its_rate() -> None:
    ticks = Ticks()
    limits = TokenBuckets(rate_per_s=2.0, burst=3, clock=ticks)
    assert [limits.take("gmail.com") for _ in range(3)] == [0.0, 0.0, 0.0]
    assert limits.take("gmail.com") == 0.5  # the wait, and nothing taken
    assert limits.take("outlook.com") == 0.0
    ticks.now = 0.5
    assert limits.take("gmail.com") == 0.0 and limits.take("gmail.com") == 0.5


def test_tokens_never_pile_up_beyond_the_burst() -> None:
    ticks = Ticks()
    limits = TokenBuckets(rate_per_s=1.0, burst=2, clock=ticks)
    ticks.now = 1000.0
    assert [limits.take("x.mx") for _ in range(3)] == [0.0, 0.0, 1.0]


def test_zero_rate_is_no_limit_and_idle_buckets_are_forgotten() -> None:
    assert all(TokenBuckets(0, 1).take("a") == 0 for _ in range(100))
    ticks = Ticks()
    limits = TokenBuckets(rate_per_s=1, burst=1, clock=ticks, max_keys=10)
    for n in range(11):
        limits.take(f"k{n}")
    ticks.now += 5
    limits.take("late")
    assert len(limits._buckets) <= 11
    for n in range(12):
        limits.take(f"m{n}")
    assert len(limits._buckets) < 23
