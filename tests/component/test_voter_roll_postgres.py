"""What only the PostgreSQL roll has to get right: its swap against lookups that run long."""

import asyncio
import time
from collections.abc import AsyncIterator

import asyncpg
import pytest

from apoyo_common.db import migrate
from apoyo_verification.adapters import postgres as pg
from apoyo_verification.adapters.postgres import PgVoterRoll, SwapBlocked
from apoyo_verification.ports import CardKey
from apoyo_verification.roll.batch import RollBatch, batch_of
from apoyo_verification.roll.rows import RollRow, validate
from tests.roll_files import CUT, fields, people

pytestmark = pytest.mark.component


def rows(seed: int, count: int = 10) -> list[RollRow]:
    typed = [validate(fields(p), 2, CUT) for p in people(count, seed)]
    return [r for r in typed if isinstance(r, RollRow)]


async def once(batch: list[RollRow]) -> AsyncIterator[RollBatch]:
    yield batch_of(batch)


async def found(roll: PgVoterRoll, batch: list[RollRow]) -> int:
    return len(await roll.by_card(CUT, [CardKey(r.cic, r.identificador) for r in batch]))


async def test_a_swap_gives_way_to_a_long_query_and_lookups_keep_answering(
    pool: asyncpg.Pool,
) -> None:
    await migrate(pool, "verification", "apoyo_verification")
    roll = PgVoterRoll(pool, swap_wait_s=0.2, swap_attempts=100)
    old, new = rows(1), rows(2)
    await roll.load(CUT, once(old))
    async with pool.acquire() as long_query, long_query.transaction():
        await long_query.fetchval("SELECT count(*) FROM verification.roll")  # keeps its lock
        load = asyncio.create_task(roll.load(CUT, once(new)))
        for _ in range(6):
            started = time.monotonic()
            assert await found(roll, old) == len(old)
            assert time.monotonic() - started < 1.0  # at most about one wait of the swap
            await asyncio.sleep(0.1)
        assert not load.done()
    assert await load == len(new)
    assert (await found(roll, old), await found(roll, new)) == (0, len(new))


async def test_a_swap_that_never_gets_its_turn_leaves_the_old_cut(pool: asyncpg.Pool) -> None:
    await migrate(pool, "verification", "apoyo_verification")
    roll = PgVoterRoll(pool, swap_wait_s=0.05, swap_attempts=3)
    old = rows(3)
    await roll.load(CUT, once(old))
    async with pool.acquire() as long_query, long_query.transaction():
        await long_query.fetchval("SELECT count(*) FROM verification.roll")
        with pytest.raises(SwapBlocked):
            await roll.load(CUT, once(rows(4)))
    assert await found(roll, old) == len(old)
    tables = await pool.fetchval(
        "SELECT count(*) FROM pg_tables WHERE schemaname = 'verification' "
        "AND tablename LIKE 'roll\\_2%'"
    )
    assert tables == 1


async def test_a_loaded_cut_is_written_frozen_and_all_visible(pool: asyncpg.Pool) -> None:
    """COPY FREEZE: no reader or vacuum has to go over the rows again to mark them."""
    await migrate(pool, "verification", "apoyo_verification")
    await PgVoterRoll(pool).load(CUT, once(rows(5, count=200)))
    pages, visible = await pool.fetchrow(
        "SELECT c.relpages, c.relallvisible FROM verification.roll_cuts k "
        "JOIN pg_class c ON c.oid = ('verification.' || k.partition)::regclass"
    )
    assert pages > 0 and visible == pages


@pytest.mark.parametrize(
    ("lookup", "index"),
    [
        ("by_card", "_cic_idx"),
        ("by_clave_emision_ocr", "_clave_elector_idx"),
        ("by_clave", "_clave_elector_idx"),
    ],
)
async def test_each_lookup_of_a_fresh_cut_goes_through_an_index(
    pool: asyncpg.Pool, lookup: str, index: str
) -> None:
    """The statistics taken at the load (a small sample) are enough to plan each lookup."""
    await migrate(pool, "verification", "apoyo_verification")
    loaded = rows(6, count=3000)
    await PgVoterRoll(pool).load(CUT, once(loaded))
    some = loaded[:5]
    arrays = {
        "by_card": [[r.cic for r in some], [r.identificador for r in some]],
        "by_clave_emision_ocr": [
            [r.clave_elector for r in some],
            [r.emision for r in some],
            [r.seccion for r in some],
            [r.identificador for r in some],
        ],
        "by_clave": [[r.clave_elector for r in some]],
    }[lookup]
    sql = {"by_card": pg._BY_CARD, "by_clave_emision_ocr": pg._BY_CLAVE_EMISION_OCR}.get(
        lookup, pg._BY_CLAVE
    )
    plan = "\n".join(r[0] for r in await pool.fetch(f"EXPLAIN {sql}", CUT, *arrays))
    assert "Seq Scan" not in plan and index in plan, plan
