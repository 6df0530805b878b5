"""The access log's contract against the in-memory fake and PostgreSQL: the same bodies."""

import asyncio
from collections.abc import AsyncIterator
from dataclasses import replace

import asyncpg
import pytest

from apoyo_common.access.entries import AccessLog, Purpose, Read
from apoyo_common.access.memory import InMemoryAccessLog
from apoyo_common.access.postgres import PgAccessLog
from apoyo_common.access.verify import chain_problems, head_of
from apoyo_common.db import migrate
from tests.factories import NOW

pytestmark = pytest.mark.component
READ = Read("aspirant:asp-01", "aspirant", Purpose.AUDIENCIA, "hearing", ("s-1", "s-2"), "p", "a")


@pytest.fixture(params=["memory", "postgres"])
async def log(request: pytest.FixtureRequest, pool: asyncpg.Pool) -> AsyncIterator[AccessLog]:
    if request.param == "memory":
        yield InMemoryAccessLog(lambda: NOW)
        return
    await migrate(pool, "capture", "apoyo_capture")
    yield PgAccessLog(pool, "capture", lambda: NOW)


async def test_entries_round_trip_in_order_and_chain(log: AccessLog) -> None:
    first = await log.record(READ)
    second = await log.record(replace(READ, kind="evidence/selfie", support_ids=("s-2",)))
    assert await log.entries() == [first, second]
    assert [e.seq for e in await log.entries()] == [1, 2]
    assert chain_problems("capture", await log.entries(), head_of([first, second])) == []
    assert await log.entries(after=1) == [second]


async def test_concurrent_reads_never_fork_the_chain(log: AccessLog) -> None:
    reads = [replace(READ, support_ids=(f"s-{i}",)) for i in range(20)]
    await asyncio.gather(*(log.record(r) for r in reads))
    kept = await log.entries()
    assert [e.seq for e in kept] == list(range(1, 21))
    assert sorted(e.read.support_ids[0] for e in kept) == sorted(r.support_ids[0] for r in reads)
    assert chain_problems("capture", kept) == []


async def test_paging_after_a_seq(log: AccessLog) -> None:
    for _ in range(5):
        await log.record(READ)
    assert [e.seq for e in await log.entries(after=2, limit=2)] == [3, 4]
