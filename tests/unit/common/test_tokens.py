from datetime import timedelta

import jwt
import pytest

from apoyo_common.codes import Role
from apoyo_common.tokens import InvalidToken, Principal, issue, parse_ttl, verify

SECRET = "s" * 32
AUX = Principal(Role.AUXILIARY, "aux-1", "gub-son-2027", "asp-01")


def test_round_trip_keeps_role_process_and_aspirant() -> None:
    assert verify(SECRET, issue(SECRET, AUX, timedelta(minutes=5))) == AUX


@pytest.mark.parametrize("token", ["", "abc", "a.b.c"])
def test_garbage_is_invalid(token: str) -> None:
    with pytest.raises(InvalidToken):
        verify(SECRET, token)


def test_forged_and_expired_tokens_are_invalid() -> None:
    with pytest.raises(InvalidToken):
        verify(SECRET, issue("x" * 32, AUX, timedelta(minutes=5)))
    with pytest.raises(InvalidToken):
        verify(SECRET, issue(SECRET, AUX, timedelta(seconds=-1)))


def test_unknown_role_is_invalid() -> None:
    token = jwt.encode({"sub": "x", "role": "admin", "exp": 2**31}, SECRET, algorithm="HS256")
    with pytest.raises(InvalidToken):
        verify(SECRET, token)


def test_ttl_units() -> None:
    assert parse_ttl("30m") == timedelta(minutes=30)
    assert parse_ttl("12h") == timedelta(hours=12)
    assert parse_ttl("7d") == timedelta(days=7)
    assert parse_ttl("90") == timedelta(seconds=90)
