import asyncio

import asyncpg
import pytest

from apoyo_common.db import create_pool, migrate, migration_files

pytestmark = pytest.mark.component
SERVICES = ("capture", "identity", "verification", "notification", "export")


@pytest.mark.parametrize("service", SERVICES)
async def test_each_service_migrates_once_into_its_own_schema(
    pool: asyncpg.Pool, service: str
) -> None:
    applied = await migrate(pool, service, f"apoyo_{service}")
    assert applied[0] == "0001_init.sql" and applied == sorted(applied)
    assert await migrate(pool, service, f"apoyo_{service}") == []
    tables = await pool.fetch(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = $1", service
    )
    assert len(tables) >= 2


async def test_replicas_starting_together_do_not_race(pool: asyncpg.Pool) -> None:
    results = await asyncio.gather(*(migrate(pool, "capture", "apoyo_capture") for _ in range(4)))
    assert sorted(map(len, results)) == [0, 0, 0, len(migration_files("apoyo_capture"))]


async def test_a_pool_opens_all_its_connections_at_start(database: str) -> None:
    pool = await create_pool(database, 3)
    try:
        assert pool.get_size() == 3 and pool.get_idle_size() == 3
    finally:
        await pool.close()
