from apoyo_notification.ratelimit import DomainLimits


def test_each_domain_has_its_own_burst_then_its_rate() -> None:
    now = [0.0]
    limits = DomainLimits(rate=2.0, burst=3, clock=lambda: now[0])
    assert [limits.wait("gmail.com") for _ in range(3)] == [0.0, 0.0, 0.0]
    assert limits.wait("gmail.com") == 0.5
    assert limits.wait("outlook.com") == 0.0
    now[0] = 0.5
    assert limits.wait("gmail.com") == 0.0 and limits.wait("gmail.com") == 0.5


def test_tokens_never_pile_up_beyond_the_burst() -> None:
    now = [0.0]
    limits = DomainLimits(rate=1.0, burst=2, clock=lambda: now[0])
    now[0] = 1000.0
    assert [limits.wait("x.mx") for _ in range(3)] == [0.0, 0.0, 1.0]


def test_a_zero_rate_is_no_limit() -> None:
    limits = DomainLimits(rate=0.0, burst=1, clock=lambda: 0.0)
    assert all(limits.wait("x.mx") == 0.0 for _ in range(100))
