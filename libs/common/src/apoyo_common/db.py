"""asyncpg pool and SQL migrations, one schema per service.

Migrations are the `NNNN_*.sql` files of a service package's `migrations` folder, applied in
order once each, under an advisory lock so replicas starting together do not race.
"""

import asyncio
import hashlib
import json
import re
import uuid
from collections.abc import Sequence
from importlib import resources

import asyncpg
from asyncpg.connection import LoggedQuery

from apoyo_common import metrics

Pool = asyncpg.Pool
Connection = asyncpg.Connection


_FIRST_WORD = re.compile(r"\s*(\w+)")
STATEMENTS = {"SELECT", "INSERT", "UPDATE", "DELETE", "WITH"}
TRANSACTION = {"BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE"}


def statement_kind(query: str) -> str:
    """The label of a statement: its first keyword, never its text (nor its arguments)."""
    found = _FIRST_WORD.match(query)
    word = found.group(1).upper() if found else ""
    if word in STATEMENTS:
        return word
    return "TRANSACTION" if word in TRANSACTION else "OTHER"


def observe_query(record: LoggedQuery) -> None:
    outcome = "ok" if record.exception is None else "error"
    labels = (metrics.process_name(), statement_kind(record.query), outcome)
    metrics.DB_SECONDS.labels(*labels).observe(record.elapsed)


async def _init_connection(conn: asyncpg.Connection) -> None:
    for type_name in ("json", "jsonb"):
        await conn.set_type_codec(
            type_name, encoder=json.dumps, decoder=json.loads, schema="pg_catalog"
        )
    # Every pool of the project is made here: the one place its statements are timed.
    conn.add_query_logger(observe_query)


async def _keep_session(_: asyncpg.Connection) -> None:
    """A connection goes back to the pool as it is, after asyncpg rolled back any open
    transaction. Its default reset (advisory unlock, CLOSE ALL, UNLISTEN, RESET ALL) is a round
    trip on every release, about seven a support on capture's path, undoing what the project
    never does: no session-level SET, LISTEN, advisory lock or cursor outlives a transaction
    here (SET LOCAL, xact locks and cursors all end with it)."""


async def create_pool(dsn: str, max_size: int = 10) -> asyncpg.Pool:
    """A pool with all its connections open before the service says it is ready: opened on
    demand, they were opened in a load's first second, each a SCRAM handshake and a backend
    fork while supports waited (capture at 300 a second offered: p99 290-363 ms with one
    open at start, 222-335 with all of them, 5 runs each; docs/operations.md). The
    deployment's connection budget already counts every pool at its largest."""
    pool = await asyncpg.create_pool(
        dsn,
        min_size=max_size,
        max_size=max_size,
        init=_init_connection,
        reset=_keep_session,
        command_timeout=60,
    )
    assert pool is not None
    return pool


async def prepare_everywhere(pool: asyncpg.Pool, statements: Sequence[str]) -> None:
    """Prepare `statements` once on every connection of the pool, once migrated and before
    the service says it is ready. The first run of a statement on a connection parses and
    plans it in a backend whose catalog caches are cold, and asyncpg looks up the types of
    its arrays (a recursive catalog query): 40-200 ms a connection for capture's writes when a
    load's first supports met them, each write making the supports behind it wait
    (docs/operations.md, *Capture's reception, eleventh pass*). What stays warm is the
    backend's catalog caches and the connection's type codecs: asyncpg's `prepare` does not
    put the statement in the cache `execute` uses, so a statement's first `execute` still
    parses it, quickly; a statement that does not parse fails the start."""
    held = [await pool.acquire() for _ in range(pool.get_max_size())]
    try:
        for conn in held:
            for statement in statements:
                await conn.prepare(statement)
    finally:
        for conn in held:
            await pool.release(conn)


def _lock_id(schema: str) -> int:
    return int.from_bytes(hashlib.sha256(schema.encode()).digest()[:7], "big")


def migration_files(package: str) -> list[tuple[str, str]]:
    folder = resources.files(package).joinpath("migrations")
    names = sorted(f.name for f in folder.iterdir() if f.name.endswith(".sql"))
    return [(name, folder.joinpath(name).read_text(encoding="utf-8")) for name in names]


async def migrate(pool: asyncpg.Pool, schema: str, package: str) -> list[str]:
    """Apply the package's pending migrations inside `schema`; return the names applied."""
    applied: list[str] = []
    async with pool.acquire() as conn, conn.transaction():
        await conn.execute("SELECT pg_advisory_xact_lock($1)", _lock_id(schema))
        await conn.execute(f'CREATE SCHEMA IF NOT EXISTS "{schema}"')
        await conn.execute(
            f'CREATE TABLE IF NOT EXISTS "{schema}".schema_migrations '
            "(name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())"
        )
        done = {
            r["name"] for r in await conn.fetch(f'SELECT name FROM "{schema}".schema_migrations')
        }
        for name, sql in migration_files(package):
            if name in done:
                continue
            await conn.execute(f'SET LOCAL search_path TO "{schema}", public')
            await conn.execute(sql)
            await conn.execute(f'INSERT INTO "{schema}".schema_migrations(name) VALUES ($1)', name)
            applied.append(name)
    return applied


async def lock_keys(conn: asyncpg.Connection, keys: list[str]) -> None:
    """Transaction-scoped advisory locks on `keys`, taken in the order given (callers sort
    them, so two transactions never wait on each other crosswise); a hash collision between
    two keys only makes one wait for the other. Keys name their schema's own things."""
    await conn.execute(
        "SELECT pg_advisory_xact_lock(hashtextextended(k, 0)) "
        "FROM unnest($1::text[]) WITH ORDINALITY AS t(k, i) ORDER BY i",
        keys,
    )


async def create_database(server: str, prefix: str) -> str:
    """A new, empty database on `server` (a DSN allowed to create one), for a test, a
    benchmark or an end-to-end deployment; its DSN."""
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    admin = await asyncpg.connect(server)
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    return server.rsplit("/", 1)[0] + f"/{name}"


async def drop_database(server: str, dsn: str, attempts: int = 40) -> None:
    """Drop it, ending its sessions. An autovacuum worker on it belongs to the superuser, and a
    role without pg_signal_backend may not end it: the drop is refused until the worker is
    done (a moment), so it is tried again."""
    admin = await asyncpg.connect(server)
    try:
        for attempt in range(attempts):
            try:
                await admin.execute(
                    f'DROP DATABASE IF EXISTS "{dsn.rsplit("/", 1)[1]}" WITH (FORCE)'
                )
                return
            except asyncpg.InsufficientPrivilegeError:
                if attempt == attempts - 1:
                    raise
                await asyncio.sleep(0.25)
    finally:
        await admin.close()
