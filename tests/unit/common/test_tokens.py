import time
from datetime import timedelta

import jwt
import pytest

from apoyo_common.codes import Role
from apoyo_common.tokens import (
    InvalidToken,
    Principal,
    TokenKeys,
    VerifiedTokens,
    issue,
    parse_ttl,
    verify,
)

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
    claims = {"sub": "x", "role": "admin", "exp": 2**31}
    token = jwt.encode(claims, SECRET, algorithm="HS256", headers={"kid": "k1"})
    with pytest.raises(InvalidToken):
        verify(SECRET, token)


def test_ttl_units() -> None:
    assert parse_ttl("30m") == timedelta(minutes=30)
    assert parse_ttl("12h") == timedelta(hours=12)
    assert parse_ttl("7d") == timedelta(days=7)
    assert parse_ttl("90") == timedelta(seconds=90)


OLD, NEW = TokenKeys("k1", {"k1": SECRET}), TokenKeys("k2", {"k1": SECRET, "k2": "n" * 32})


def test_the_current_key_signs_and_names_itself() -> None:
    token = issue(NEW, AUX, timedelta(minutes=5))
    assert jwt.get_unverified_header(token)["kid"] == "k2"
    assert verify(NEW, token) == AUX
    with pytest.raises(InvalidToken):
        verify(OLD, token)  # a service still on the old keyring does not know k2


def test_earlier_keys_verify_until_retired() -> None:
    before = issue(OLD, AUX, timedelta(minutes=5))
    assert verify(NEW, before) == AUX
    retired = TokenKeys("k2", {"k2": "n" * 32})
    with pytest.raises(InvalidToken):
        verify(retired, before)


def test_a_bare_secret_is_key_k1() -> None:
    assert verify(OLD, issue(SECRET, AUX, timedelta(minutes=5))) == AUX
    assert verify(SECRET, issue(OLD, AUX, timedelta(minutes=5))) == AUX


@pytest.mark.parametrize("headers", [{}, {"kid": "k9"}, {"kid": "K1"}])
def test_a_token_without_a_known_key_id_is_invalid(headers: dict[str, object]) -> None:
    claims = {"sub": "x", "role": "ople", "exp": 2**31}
    token = jwt.encode(claims, SECRET, algorithm="HS256", headers=headers)
    with pytest.raises(InvalidToken):
        verify(OLD, token)


def test_an_unsigned_token_is_invalid() -> None:
    token = jwt.encode({"sub": "x", "role": "ople", "exp": 2**31}, "", algorithm="none")
    with pytest.raises(InvalidToken):
        verify(OLD, token)


def test_the_token_id_is_read_but_not_compared() -> None:
    one, two = (verify(SECRET, issue(SECRET, AUX, timedelta(minutes=5))) for _ in range(2))
    assert one.token_id and two.token_id and one.token_id != two.token_id
    assert one == two


def test_a_keyring_whose_current_key_is_missing_is_refused() -> None:
    with pytest.raises(ValueError, match="current"):
        TokenKeys("k2", {"k1": SECRET})


class Clock:
    def __init__(self) -> None:
        self.now = time.time()

    def __call__(self) -> float:
        return self.now


def test_remembered_tokens_answer_as_verify_does() -> None:
    tokens = VerifiedTokens(SECRET)
    token = issue(SECRET, AUX, timedelta(minutes=5))
    assert tokens.verify(token) == tokens.verify(token) == AUX
    for refused in ("", "a.b.c", issue("x" * 32, AUX, timedelta(minutes=5)), token[:-2]):
        with pytest.raises(InvalidToken):
            tokens.verify(refused)


def test_a_remembered_token_still_expires() -> None:
    clock = Clock()
    tokens = VerifiedTokens(SECRET, clock=clock)
    token = issue(SECRET, AUX, timedelta(seconds=60))
    assert tokens.verify(token) == AUX
    clock.now += 61
    with pytest.raises(InvalidToken):
        tokens.verify(token)
    with pytest.raises(InvalidToken):  # and stays refused, checked again
        tokens.verify(token)


def test_a_remembered_token_is_still_checked_for_revocation() -> None:
    revoked: set[str] = set()
    keys = TokenKeys.single(SECRET).revoking(lambda p: p.subject in revoked)
    tokens = VerifiedTokens(keys)
    token = issue(keys, AUX, timedelta(minutes=5))
    assert tokens.verify(token) == AUX
    revoked.add(AUX.subject)
    with pytest.raises(InvalidToken):
        tokens.verify(token)


def test_tokens_are_forgotten_when_full() -> None:
    tokens = VerifiedTokens(SECRET, size=2)
    issued = [issue(SECRET, AUX, timedelta(minutes=5)) for _ in range(5)]
    assert all(tokens.verify(t) == AUX for t in issued)
    assert len(tokens._known) <= 2
