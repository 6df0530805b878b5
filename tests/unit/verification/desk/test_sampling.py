from apoyo_verification.desk.ports import Sample
from apoyo_verification.desk.sampling import complete, draw, needs_full_review

IDS = [f"s-{i:04d}" for i in range(1000)]


def test_the_same_supports_and_seed_draw_the_same_sample_in_any_order() -> None:
    one = draw(IDS, 50, 42)
    assert one == draw(list(reversed(IDS)), 50, 42)
    assert len(set(one)) == 50 and set(one) <= set(IDS)
    assert one != draw(IDS, 50, 43)


def test_a_sample_larger_than_the_supports_takes_them_all() -> None:
    assert draw(IDS[:7], 384, 1) == IDS[:7]
    assert draw([], 384, 1) == []


def sample(drawn: int, decided: int, problems: int) -> Sample:
    return Sample("p", "a", drawn, 1, drawn, decided, problems)


def test_the_rule_waits_for_every_sampled_support() -> None:
    assert not complete(sample(10, 9, 9)) and not needs_full_review(sample(10, 9, 9))
    assert complete(sample(10, 10, 0)) and not needs_full_review(sample(10, 10, 0))


def test_ten_percent_or_more_sends_everything() -> None:
    assert needs_full_review(sample(10, 10, 1))  # exactly 10 %
    assert not needs_full_review(sample(11, 11, 1))  # 9.1 %
    assert needs_full_review(sample(384, 384, 39)) and not needs_full_review(sample(384, 384, 38))
