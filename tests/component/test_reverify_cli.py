"""`apoyo process reverify` on a PostgreSQL database: the process switched (capture told too),
the changes published once, then nothing; an unknown cut or process changes nothing."""

import json
from collections.abc import AsyncIterator

import asyncpg
import pytest

from apoyo_common.db import create_pool, migrate
from apoyo_verification.adapters.book_postgres import PgProcesses, PgSupportBook
from apoyo_verification.adapters.postgres import PgVoterRoll
from apoyo_verification.roll.batch import RollBatch, batch_of
from apoyo_verification.service import Verifier
from tests.component.test_reverify import NEWER, newer_roll
from tests.component.test_verification_duplicates import CITIZENS, load, support, ticking
from tests.component.test_voter_roll_cli import apoyo
from tests.roll_files import CUT
from tests.unit.verification.cases import PROCESS

pytestmark = pytest.mark.component


async def verified(database: str) -> asyncpg.Pool:
    pool = await create_pool(database, 2)
    for schema in ("capture", "verification"):
        await migrate(pool, schema, f"apoyo_{schema}")
    roll = PgVoterRoll(pool)
    await load(roll)

    async def newer() -> AsyncIterator[RollBatch]:
        yield batch_of(newer_roll())

    await roll.load(NEWER, newer())
    await PgProcesses(pool).save(PROCESS)
    verifier = Verifier(
        roll, PgProcesses(pool), PgSupportBook(pool), ticking(), b"test-citizen-secret"
    )
    await verifier.verify_many([support(i, f"s-{i}", minutes=i) for i in range(CITIZENS)])
    return pool


async def test_reverify_publishes_the_changes_once(database: str) -> None:
    pool = await verified(database)
    try:
        args = ("process", "reverify", PROCESS.id, "--cut", NEWER.isoformat(), "--batch", "3")
        first = await apoyo(database, *args)
        assert first.exit_code == 0, first.output
        report = json.loads(first.stdout)
        dead = {"s-0", "s-4", "s-5"}  # BAJA in the newer cut
        assert report == {
            "process_id": PROCESS.id,
            "cut": NEWER.isoformat(),
            "judged": CITIZENS,
            "rewritten": CITIZENS,
            "published": len(dead),
            "unfinished": False,
        }
        second = await apoyo(database, *args)
        assert json.loads(second.stdout)["published"] == 0
        capture = await pool.fetchval(
            "SELECT definition->>'cut' FROM capture.processes WHERE process_id = $1", PROCESS.id
        )
        assert capture == NEWER.isoformat()
        statuses = await pool.fetch(
            "SELECT support_id, status FROM verification.supports WHERE status = 'BAJA'"
        )
        assert {r["support_id"] for r in statuses} == dead
    finally:
        await pool.close()


@pytest.mark.parametrize(
    ("process_id", "cut", "message"),
    [(PROCESS.id, "2030-01-01", "corte"), ("otro", CUT.isoformat(), "proceso")],
)
async def test_an_unknown_cut_or_process_exits_1(
    database: str, process_id: str, cut: str, message: str
) -> None:
    pool = await verified(database)
    try:
        result = await apoyo(database, "process", "reverify", process_id, "--cut", cut)
        assert result.exit_code == 1 and message in result.stderr
        assert await pool.fetchval("SELECT count(*) FROM capture.processes") == 0
    finally:
        await pool.close()
