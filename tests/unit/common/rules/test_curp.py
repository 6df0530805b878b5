from hypothesis import given
from hypothesis import strategies as st

from apoyo.synthetic.people import make_citizens
from apoyo_common.rules.curp import birth_date, check_digit, is_valid, problems


def test_documented_example() -> None:
    assert check_digit("SABC560626MDFLRN0") == "1"
    assert is_valid("SABC560626MDFLRN01")


@given(st.integers(0, 10_000))
def test_generated_curps_are_valid(seed: int) -> None:
    [person] = make_citizens(1, seed=seed)
    assert problems(person.curp) == []


@given(st.integers(0, 10_000), st.sampled_from("0123456789"))
def test_a_wrong_check_digit_is_caught(seed: int, digit: str) -> None:
    [person] = make_citizens(1, seed=seed)
    changed = person.curp[:17] + digit
    assert is_valid(changed) == (digit == person.curp[17])


def test_problems_are_named() -> None:
    assert problems("SABC560626MDFLRN0") == ["format"]
    assert "birth_date" in problems("SABC561326MDFLRN09")
    assert "state" in problems("SABC560626MZZLRN01")
    assert problems("SABC560626MDFLRN02") == ["check_digit"]


def test_the_differentiator_tells_the_century_of_birth() -> None:
    people = make_citizens(400, seed=3)
    assert any(p.fecha_nacimiento.year >= 2000 for p in people)
    for person in people:
        assert person.curp[16].isalpha() == (person.fecha_nacimiento.year >= 2000)
        assert birth_date(person.curp) == person.fecha_nacimiento
