from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from apoyo_identity.rules.card import (
    is_current,
    is_valid_cic,
    is_valid_sex,
    split_ocr,
    vigencia_from_expiry,
)


@given(st.from_regex(r"\A[0-9]{4}\Z"), st.from_regex(r"\A[0-9]{9}\Z"))
def test_ocr_is_seccion_then_identificador(seccion: str, identificador: str) -> None:
    assert split_ocr(seccion + identificador) == (seccion, identificador)


def test_bad_ocr_cic_and_sex() -> None:
    assert split_ocr("12345") is None and split_ocr("12345678901AB") is None
    assert is_valid_cic("123456789") and not is_valid_cic("12345678")
    assert all(is_valid_sex(s) for s in "HMX") and not is_valid_sex("F")


@given(st.integers(2015, 2060))
def test_valid_to_the_last_day_of_the_vigencia(year: int) -> None:
    assert is_current(year, date(year, 12, 31))
    assert not is_current(year, date(year + 1, 1, 1))
    assert vigencia_from_expiry(date(year, 12, 31)) == year
