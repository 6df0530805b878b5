"""Fixtures shared by every tier: an embedded PostgreSQL and a fresh database per test."""

import os
from collections.abc import AsyncIterator, Iterator

import asyncpg
import pytest

from apoyo_common.db import create_database, create_pool, drop_database
from apoyo_common.embedded_postgres import EmbeddedPostgres
from tests.paths import ROOT


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """DSN of a PostgreSQL server: `APOYO_TEST_DATABASE_URL`, else an embedded one."""
    external = os.environ.get("APOYO_TEST_DATABASE_URL")
    if external:
        yield external
        return
    data = ROOT / ".local" / "test-postgres"
    data.parent.mkdir(parents=True, exist_ok=True)
    data.parent.chmod(0o755)
    server = EmbeddedPostgres(data)
    dsn = server.start()
    yield dsn
    server.stop()


@pytest.fixture
async def database(postgres_server: str) -> AsyncIterator[str]:
    """A database of its own for one test, dropped afterwards."""
    dsn = await create_database(postgres_server, "t")
    try:
        yield dsn
    finally:
        await drop_database(postgres_server, dsn)


@pytest.fixture
async def pool(database: str) -> AsyncIterator[asyncpg.Pool]:
    created = await create_pool(database, 8)
    yield created
    await created.close()
