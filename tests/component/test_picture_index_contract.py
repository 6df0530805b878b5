"""The picture-reuse index contract against the in-memory fake and PostgreSQL (banded)."""

import random
from collections.abc import AsyncIterator

import asyncpg
import pytest

from apoyo_common.db import migrate
from apoyo_identity.adapters.memory import InMemoryPictureIndex
from apoyo_identity.adapters.postgres import PgPictureIndex
from apoyo_identity.ports import PictureIndex
from apoyo_identity.reuse import REUSE_DISTANCE

pytestmark = pytest.mark.component


@pytest.fixture(params=["memory", "postgres"])
async def index(request: pytest.FixtureRequest, pool: asyncpg.Pool) -> AsyncIterator[PictureIndex]:
    if request.param == "memory":
        yield InMemoryPictureIndex()
        return
    await migrate(pool, "identity", "apoyo_identity")
    yield PgPictureIndex(pool)


def flipped(value: int, bits: list[int]) -> int:
    for bit in bits:
        value ^= 1 << bit
    return value


async def test_a_near_picture_of_another_support_is_reuse(index: PictureIndex) -> None:
    r = random.Random(5)
    original = r.getrandbits(64)
    await index.record("p", "s-1", {"credential_front": original})
    for trial in range(40):
        # Anywhere in the hash, up to the reuse distance.
        bits = r.sample(range(64), r.randint(0, REUSE_DISTANCE))
        near = {"credential_back": flipped(original, bits)}
        assert await index.reused("p", f"s-{trial + 2}", near), bits
    # The banded search's worst case: two bits off in three quarters, one in the fourth.
    worst = flipped(original, [0, 1, 16, 17, 32, 33, 48])
    assert await index.reused("p", "s-50", {"credential_back": worst})
    far = flipped(original, [0, 1, 16, 17, 32, 33, 48, 49])  # one bit more: another picture
    assert not await index.reused("p", "s-51", {"credential_back": far})


async def test_its_own_pictures_and_other_processes_are_no_reuse(index: PictureIndex) -> None:
    value = (1 << 63) | 12345  # the top bit set: stored as a negative bigint
    await index.record("p", "s-1", {"credential_front": value, "selfie": value ^ 1})
    assert await index.reused("p", "s-2", {"selfie": value})
    assert not await index.reused("p", "s-1", {"credential_back": value})
    assert not await index.reused("other", "s-2", {"credential_back": value})
    assert not await index.reused("p", "s-2", {})


async def test_recording_twice_changes_nothing(index: PictureIndex) -> None:
    await index.record("p", "s-1", {"credential_front": 7})
    await index.record("p", "s-1", {"credential_front": 7})
    assert await index.reused("p", "s-2", {"credential_front": 7})


async def test_many_unrelated_pictures_are_told_apart(index: PictureIndex) -> None:
    r = random.Random(11)
    for i in range(300):
        await index.record("p", f"s-{i}", {"credential_front": r.getrandbits(64)})
    fresh = [r.getrandbits(64) for _ in range(20)]
    # Random 64-bit hashes lie ~32 bits apart: none of these is near any recorded one.
    assert not any([await index.reused("p", "new", {"selfie": v}) for v in fresh])
