"""What a write of supports waits for in PostgreSQL: the subjects' count rows in shards, the
relay's commits that do not wait for the disk, and statements prepared before the first
request (docs/operations.md, *Capture's reception, eleventh pass*)."""

import asyncio

import asyncpg
import pytest

from apoyo_capture.adapters import postgres
from apoyo_capture.adapters.postgres import PgCaptureRepository
from apoyo_common.db import create_pool, migrate, prepare_everywhere
from tests.factories import captured, identity_decoded, verified

pytestmark = pytest.mark.component

_HOLD_SHARD_ONE = (
    "INSERT INTO capture.captured_counts (process_id, aspirant_id, captured_by, shard) "
    "VALUES ('gub-son-2027', 'asp-01', 'aux-1', 1) ON CONFLICT DO NOTHING"
)


async def test_a_count_row_held_open_does_not_hold_back_a_write_in_another_shard(
    pool: asyncpg.Pool, monkeypatch: pytest.MonkeyPatch
) -> None:
    await migrate(pool, "capture", "apoyo_capture")
    repository = PgCaptureRepository(pool)
    async with pool.acquire() as other, other.transaction():
        await other.execute(_HOLD_SHARD_ONE)  # shard 1's row locked until this transaction ends
        monkeypatch.setattr(postgres, "count_shard", lambda: 2)
        await asyncio.wait_for(repository.save_support(captured("s-1"), "aux", "k1", "f"), 5)
    monkeypatch.setattr(postgres, "count_shard", lambda: 1)
    await repository.save_support(captured("s-2"), "aux", "k2", "f")
    [count] = await repository.auxiliary_counts("gub-son-2027", "asp-01")
    assert (count.captured_by, count.supports) == ("aux-1", 2)


async def test_counts_read_as_the_sum_of_their_shards_and_verdicts(pool: asyncpg.Pool) -> None:
    await migrate(pool, "capture", "apoyo_capture")
    repository = PgCaptureRepository(pool)
    for n in range(6):  # one by one: each write draws its own shard
        await repository.save_support(captured(f"s-{n}"), "aux", f"k{n}", "f")
    await repository.apply_verdicts(
        [verified(identity_decoded(captured(f"s-{n}"))) for n in (0, 1)]
    )
    shards = await pool.fetchval("SELECT count(*) FROM capture.captured_counts")
    [count] = await repository.auxiliary_counts("gub-son-2027", "asp-01")
    assert (count.supports, count.decided) == (6, 2) and shards >= 2


async def test_a_relay_pass_leaves_its_connection_committing_durably(database: str) -> None:
    alone = await create_pool(database, 1)  # the relay's statements and the check share it
    try:
        await migrate(alone, "capture", "apoyo_capture")
        repository = PgCaptureRepository(alone)
        await repository.save_support(captured("s-1"), "aux", "k1", "f")
        [item] = await repository.claim_outbox(10)
        await repository.mark_published([item.id])
        assert await repository.claim_outbox(10) == []
        assert await alone.fetchval("SHOW synchronous_commit") == "on"
    finally:
        await alone.close()


async def test_statements_are_prepared_on_every_connection_or_the_start_fails(
    pool: asyncpg.Pool,
) -> None:
    await migrate(pool, "capture", "apoyo_capture")
    await prepare_everywhere(pool, PgCaptureRepository(pool).statements)
    assert pool.get_idle_size() == pool.get_max_size()
    with pytest.raises(asyncpg.UndefinedTableError):
        await prepare_everywhere(pool, ["SELECT * FROM capture.no_such_table"])
    assert pool.get_idle_size() == pool.get_max_size()
