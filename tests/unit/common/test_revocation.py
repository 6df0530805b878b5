"""Revoked tokens: refused by subject or by id, from a list read again once it is too old."""

from datetime import UTC, datetime, timedelta

import pytest

from apoyo_common.codes import Role
from apoyo_common.revocation import InMemoryRevoked, Revocation, RevocationList
from apoyo_common.tokens import InvalidToken, Principal, TokenKeys, issue, verify

SECRET = "revocation-test-secret-of-32-bytes!"
AUX = Principal(Role.AUXILIARY, "auxiliary:uno", "gub-son-2027", "asp-01")
AT = datetime(2026, 12, 20, tzinfo=UTC)


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


async def test_a_revoked_subject_is_refused_once_the_list_is_read_again() -> None:
    store, clock = InMemoryRevoked(), Clock()
    revocations = RevocationList(store, max_age_s=30, monotonic=clock)
    keys = TokenKeys.single(SECRET).revoking(revocations.is_revoked)
    token = issue(keys, AUX, timedelta(hours=1))
    await revocations.fresh()
    assert verify(keys, token) == AUX
    await store.add(Revocation("subject", AUX.subject, AT, "operador:prueba"))
    clock.now = 29.0
    await revocations.fresh()  # still young: not read again
    assert verify(keys, token) == AUX
    clock.now = 30.0
    await revocations.fresh()
    with pytest.raises(InvalidToken, match="Revoked"):
        verify(keys, token)
    other = Principal(Role.AUXILIARY, "auxiliary:dos", "gub-son-2027", "asp-01")
    assert verify(keys, issue(keys, other, timedelta(hours=1))) == other


async def test_one_token_is_revoked_by_its_id_and_its_siblings_still_work() -> None:
    store = InMemoryRevoked()
    revocations = RevocationList(store)
    keys = TokenKeys.single(SECRET).revoking(revocations.is_revoked)
    first, second = (issue(keys, AUX, timedelta(hours=1)) for _ in range(2))
    jti = verify(keys, first).token_id
    assert jti is not None
    assert await store.add(Revocation("jti", jti, AT, "operador:prueba"))
    assert not await store.add(Revocation("jti", jti, AT, "operador:otro"))
    await revocations.refresh()
    with pytest.raises(InvalidToken):
        verify(keys, first)
    assert verify(keys, second) == AUX


async def test_the_list_survives_a_failed_reading() -> None:
    class Failing(InMemoryRevoked):
        async def all(self) -> set[tuple[str, str]]:
            raise OSError("database away")

    revocations = RevocationList(InMemoryRevoked({("subject", "s"): Revocation(
        "subject", "s", AT, "o")}))  # fmt: skip
    await revocations.refresh()
    revocations.store = Failing()
    with pytest.raises(OSError):
        await revocations.refresh()
    assert revocations.is_revoked(Principal(Role.OPLE, "s"))
