from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from apoyo_identity.rules.mrz import CHARSET, check_digit, failed_checks, parse_td1
from tests.unit.identity.rules.strategies import td1

CHECKED_DIGITS = [(0, i) for i in range(5, 15)] + [(1, i) for i in (*range(0, 7), *range(8, 15))]


def test_documented_examples() -> None:
    assert check_digit("D23145890") == "7"
    assert check_digit("740812") == "2"
    assert check_digit("<<<") == "0"
    assert len(CHARSET) == 37


@given(st.text(alphabet="0123456789", min_size=1, max_size=30), st.data())
def test_any_single_digit_change_changes_the_check_digit(text: str, data: st.DataObject) -> None:
    at = data.draw(st.integers(0, len(text) - 1))
    other = data.draw(st.sampled_from([d for d in "0123456789" if d != text[at]]))
    assert check_digit(text) != check_digit(text[:at] + other + text[at + 1 :])


@given(td1())
def test_valid_mrz_round_trips(lines: tuple[str, str, str]) -> None:
    read = parse_td1(lines)
    assert read is not None and read.lines == lines
    assert read.ocr == lines[0][17:30] and read.seccion + read.identificador == read.ocr
    assert read.cic == lines[0][5:14] and read.sex == lines[1][7]
    assert f"{read.birth_date:%y%m%d}" == lines[1][:6]
    assert f"{read.expiry:%y%m%d}" == lines[1][8:14]


@given(td1(), st.data())
def test_a_misread_digit_in_any_checked_field_is_never_accepted(
    lines: tuple[str, str, str], data: st.DataObject
) -> None:
    row, at = data.draw(st.sampled_from(CHECKED_DIGITS))
    original = lines[row][at]
    other = data.draw(st.sampled_from([d for d in "0123456789" if d != original]))
    changed = list(lines)
    changed[row] = lines[row][:at] + other + lines[row][at + 1 :]
    assert parse_td1(changed) is None


@given(td1(), st.data())
def test_a_misread_check_digit_is_never_accepted(
    lines: tuple[str, str, str], data: st.DataObject
) -> None:
    row, at = data.draw(st.sampled_from([(0, 14), (1, 6), (1, 14), (1, 29)]))
    other = data.draw(st.sampled_from([d for d in "0123456789" if d != lines[row][at]]))
    changed = list(lines)
    changed[row] = lines[row][:at] + other + lines[row][at + 1 :]
    assert parse_td1(changed) is None


def test_names_split_into_surnames_and_given_names() -> None:
    line3 = "LUNA<ACOSTA<<NOE<JESUS<<<<<<<<"
    cic, ocr = "123456789", "0123456789012"
    line1 = f"IDMEX{cic}{check_digit(cic)}<<{ocr}"
    body = f"800101{check_digit('800101')}H331231{check_digit('331231')}MEX01<<<<<<<<<"
    from apoyo_identity.rules.mrz import composite_source

    line2 = body + check_digit(composite_source(line1, body + "0"))
    read = parse_td1([line1, line2, line3])
    assert read is not None
    assert read.surnames == ("LUNA", "ACOSTA") and read.given_names == ("NOE", "JESUS")
    assert read.birth_date == date(1980, 1, 1) and read.expiry == date(2033, 12, 31)


@pytest.mark.parametrize(
    "lines,problem",
    [
        (["IDMEX"], "shape"),
        (["a" * 30] * 3, "charset"),
    ],
)
def test_malformed_input_names_the_problem(lines: list[str], problem: str) -> None:
    assert failed_checks(lines) == [problem]
