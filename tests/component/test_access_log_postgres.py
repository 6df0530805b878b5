"""The access log in PostgreSQL refuses changes; a change made past the refusal is caught."""

import asyncio
from pathlib import Path

import asyncpg
import pytest

from apoyo.access_log import export_logs, verify_live
from apoyo_common.access.entries import Purpose, Read
from apoyo_common.access.postgres import PgAccessLog, migration_sql
from apoyo_common.access.verify import chain_problems
from apoyo_common.db import migrate, migration_files
from apoyo_common.settings import Settings

pytestmark = pytest.mark.component
READ = Read("ople:rev-1", "ople", Purpose.REVISION, "review_item", ("s-1",), "p", "a")
SERVICES = {"capture": "apoyo_capture", "verification": "apoyo_verification",
            "export": "apoyo_export"}  # fmt: skip


async def filled(pool: asyncpg.Pool, entries: int = 4) -> PgAccessLog:
    await migrate(pool, "capture", "apoyo_capture")
    log = PgAccessLog(pool, "capture")
    for i in range(entries):
        await log.record(Read(READ.subject, READ.role, READ.purpose, READ.kind, (f"s-{i}",)))
    return log


@pytest.mark.parametrize("statement", [
    "UPDATE capture.access_log SET subject = 'otro' WHERE seq = 2",
    "DELETE FROM capture.access_log WHERE seq = 2",
    "TRUNCATE capture.access_log",
])  # fmt: skip
async def test_the_database_refuses_any_change(pool: asyncpg.Pool, statement: str) -> None:
    log = await filled(pool)
    before = await log.entries()
    with pytest.raises(asyncpg.InsufficientPrivilegeError, match="append-only"):
        await pool.execute(statement)
    assert await log.entries() == before


async def past_the_trigger(pool: asyncpg.Pool, statement: str) -> None:
    """What an owner of the table could do: switch the triggers off, change, switch back."""
    async with pool.acquire() as conn, conn.transaction():
        await conn.execute("ALTER TABLE capture.access_log DISABLE TRIGGER USER")
        await conn.execute(statement)
        await conn.execute("ALTER TABLE capture.access_log ENABLE TRIGGER USER")


async def test_a_changed_entry_is_caught(pool: asyncpg.Pool) -> None:
    log = await filled(pool)
    await past_the_trigger(pool, "UPDATE capture.access_log SET subject = 'x' WHERE seq = 2")
    assert chain_problems("capture", await log.entries()) == ["entrada alterada: capture número 2"]


async def test_a_removed_entry_is_caught(pool: asyncpg.Pool) -> None:
    log = await filled(pool)
    await past_the_trigger(pool, "DELETE FROM capture.access_log WHERE seq = 2")
    assert chain_problems("capture", await log.entries()) == ["entrada eliminada: capture número 2"]


async def test_swapped_entries_are_caught(pool: asyncpg.Pool) -> None:
    log = await filled(pool)
    await past_the_trigger(
        pool,
        "UPDATE capture.access_log SET support_ids = CASE seq WHEN 2 THEN '{s-2}'::text[] "
        "ELSE '{s-1}'::text[] END WHERE seq IN (2, 3)",
    )
    problems = chain_problems("capture", await log.entries())
    assert problems == ["entrada alterada: capture número 2", "entrada alterada: capture número 3"]


@pytest.mark.parametrize("service", sorted(SERVICES))
def test_each_service_migrates_the_same_table(service: str) -> None:
    texts = [sql for name, sql in migration_files(SERVICES[service]) if "access_log" in name]
    assert texts == [migration_sql()]


async def test_a_log_rewritten_whole_after_an_export_is_caught(
    pool: asyncpg.Pool, database: str, tmp_path: Path
) -> None:
    """Someone who rewrites every entry and recomputes the chain leaves a chain that holds,
    but not the head an earlier export signed."""
    log = await filled(pool)
    settings = Settings(database_url=database, signing_key_file=tmp_path / "institute.pem")
    await export_logs(settings, tmp_path / "accesos.zip")
    await past_the_trigger(pool, "DELETE FROM capture.access_log")
    for i in range(4):
        await log.record(Read("ople:otro", "ople", Purpose.REVISION, "review_item", (f"s-{i}",)))
    assert (await verify_live(settings)).ok
    verdict = await verify_live(settings, tmp_path / "accesos.zip")
    assert verdict.problems == ["cadena no coincide: capture número 4 ya no es el exportado"]


async def test_a_read_that_cannot_be_logged_fails_every_caller(pool: asyncpg.Pool) -> None:
    """No table (or no database): every read waiting on that append gets the error."""
    log = PgAccessLog(pool, "nowhere")
    results = await asyncio.gather(*(log.record(READ) for _ in range(3)), return_exceptions=True)
    assert [type(r) for r in results] == [asyncpg.UndefinedTableError] * 3
