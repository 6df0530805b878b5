"""Fixtures shared by every tier: an embedded PostgreSQL and a fresh database per test."""

import os
import uuid
from collections.abc import AsyncIterator, Iterator

import asyncpg
import pytest

from apoyo_common.db import create_pool
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
    name = f"t_{uuid.uuid4().hex[:12]}"
    admin = await asyncpg.connect(postgres_server)
    await admin.execute(f'CREATE DATABASE "{name}"')
    dsn = postgres_server.rsplit("/", 1)[0] + f"/{name}"
    try:
        yield dsn
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


@pytest.fixture
async def pool(database: str) -> AsyncIterator[asyncpg.Pool]:
    created = await create_pool(database, 8)
    yield created
    await created.close()
