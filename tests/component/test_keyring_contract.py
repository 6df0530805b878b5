"""The data-key table contract against the in-memory fake and PostgreSQL."""

from collections.abc import AsyncIterator
from datetime import UTC, datetime

import asyncpg
import pytest

from apoyo_common.keyring import DataKeys, InMemoryDataKeys, Keyring, Wrapped, in_memory_kms
from apoyo_common.keyring.postgres import PgDataKeys

pytestmark = pytest.mark.component
AT = datetime(2027, 3, 1, tzinfo=UTC)


@pytest.fixture(params=["memory", "postgres"])
async def keys(request: pytest.FixtureRequest, pool: asyncpg.Pool) -> AsyncIterator[DataKeys]:
    made: DataKeys = InMemoryDataKeys() if request.param == "memory" else PgDataKeys(pool)
    await made.ensure_ready()
    yield made


async def test_the_first_key_stored_wins(keys: DataKeys) -> None:
    first = await keys.add("p-1", Wrapped("k1", b"one"), AT)
    second = await keys.add("p-1", Wrapped("k1", b"two"), AT)
    assert first.wrapped == second.wrapped == Wrapped("k1", b"one")


async def test_destroying_leaves_a_tombstone_that_no_add_replaces(keys: DataKeys) -> None:
    await keys.add("p-1", Wrapped("k1", b"one"), AT)
    assert await keys.destroy("p-1", AT) is True
    assert await keys.destroy("p-1", AT) is False
    await keys.add("p-1", Wrapped("k1", b"again"), AT)
    found = await keys.find("p-1")
    assert found is not None and found.wrapped is None and found.destroyed_at == AT
    assert await keys.all_live() == []


async def test_a_process_never_keyed_can_be_destroyed_ahead(keys: DataKeys) -> None:
    assert await keys.destroy("p-9", AT) is False
    assert (await keys.add("p-9", Wrapped("k1", b"late"), AT)).wrapped is None


async def test_replace_swaps_only_the_wrapping_it_was_given(keys: DataKeys) -> None:
    await keys.add("p-1", Wrapped("k1", b"one"), AT)
    assert await keys.replace("p-1", Wrapped("k1", b"other"), Wrapped("k2", b"x")) is False
    assert await keys.replace("p-1", Wrapped("k1", b"one"), Wrapped("k2", b"two")) is True
    assert [r.wrapped for r in await keys.all_live()] == [Wrapped("k2", b"two")]


async def test_a_keyring_on_the_table_seals_destroys_and_refuses(keys: DataKeys) -> None:
    ring = Keyring(in_memory_kms(), keys)
    blob = await ring.seal("p-1", "s-1/curp", b"CURP")
    assert await ring.open("p-1", "s-1/curp", blob) == b"CURP"
    await ring.destroy("p-1")
    with pytest.raises(LookupError):
        await Keyring(ring.kms, keys).open("p-1", "s-1/curp", blob)
