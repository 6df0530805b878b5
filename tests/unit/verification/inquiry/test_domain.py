"""The inquiry's pure rules: the clave's one form, its keyed hash, codes that can be used."""

from datetime import timedelta

from apoyo_verification.inquiry.domain import (
    CODE_TTL,
    LookupCode,
    clave_hmac,
    clave_of,
    same_address,
)
from tests.factories import NOW
from tests.unit.verification.cases import person

CLAVE = person(0).clave_elector


def test_a_clave_is_read_in_one_form_and_anything_else_is_none() -> None:
    assert clave_of(f"  {CLAVE.lower()} ") == CLAVE
    assert clave_of(CLAVE[:17]) is None and clave_of("X" * 18) is None


def test_the_keyed_hash_hides_the_clave_and_depends_on_the_secret() -> None:
    one = clave_hmac("secreto-1", CLAVE)
    assert CLAVE not in one and len(one) == 32
    assert one == clave_hmac("secreto-1", CLAVE) != clave_hmac("secreto-2", CLAVE)


def test_a_code_is_usable_until_spent_expired_or_tried_five_times() -> None:
    code = LookupCode("r", "h", "c", NOW, NOW + CODE_TTL)
    assert code.usable(NOW + CODE_TTL - timedelta(seconds=1))
    assert not code.usable(NOW + CODE_TTL)
    assert not LookupCode("r", "h", "c", NOW, NOW + CODE_TTL, attempts=5).usable(NOW)
    assert not LookupCode("r", "h", "c", NOW, NOW + CODE_TTL, spent_at=NOW).usable(NOW)


def test_addresses_match_without_case_or_spaces() -> None:
    assert same_address(" Ana@Example.ORG", "ana@example.org")
    assert not same_address("ana@example.org", None)
    assert not same_address("ana@example.org", "otra@example.org")
