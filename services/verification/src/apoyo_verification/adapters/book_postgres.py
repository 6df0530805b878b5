"""PostgreSQL support book and processes (schema `verification`)."""

import contextlib
import json
from collections.abc import AsyncIterator, Sequence

import asyncpg

from apoyo_common.codes import Status
from apoyo_common.messages import SupportVerified
from apoyo_common.outbox import enqueue
from apoyo_common.processes import ProcessDefinition
from apoyo_common.publishing import encode
from apoyo_common.topics import SUPPORT_VERIFIED
from apoyo_verification.classify import Verdict
from apoyo_verification.outcome import Outcome

OUTBOX = "verification.outbox"
_COLUMNS = "output, verdict, verdict_reasons"
_INSERT = (
    "INSERT INTO verification.supports (support_id, process_id, aspirant_id, citizen_key, "
    "status, received_at, output, verified_at, verdict, verdict_reasons) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
)
_UPDATE = (
    "UPDATE verification.supports SET status = $2, output = $3, verified_at = $4 "
    "WHERE support_id = $1"
)


def _outcome(row: asyncpg.Record) -> Outcome:
    verdict = Verdict(Status(row["verdict"]), tuple(row["verdict_reasons"]))
    return Outcome(verdict, SupportVerified.model_validate(row["output"]))


def _json(outcome: Outcome) -> object:
    return json.loads(outcome.published.model_dump_json())


class _PgCitizen:
    def __init__(self, conn: asyncpg.Connection, process_id: str, citizen_key: str) -> None:
        self.conn, self.process_id, self.citizen_key = conn, process_id, citizen_key

    async def recorded(self, support_id: str) -> Outcome | None:
        row = await self.conn.fetchrow(
            f"SELECT {_COLUMNS} FROM verification.supports WHERE support_id = $1", support_id
        )
        return None if row is None else _outcome(row)

    async def outcomes(self) -> list[Outcome]:
        rows = await self.conn.fetch(
            f"SELECT {_COLUMNS} FROM verification.supports "
            "WHERE process_id = $1 AND citizen_key = $2",
            self.process_id,
            self.citizen_key,
        )
        return [_outcome(r) for r in rows]

    async def save(self, arriving: Outcome, revisions: Sequence[Outcome]) -> None:
        # Revisions first: the one standing place may be moving to the arriving support.
        if revisions:
            await self.conn.executemany(_UPDATE, [_revision(o) for o in revisions])
        out, verdict = arriving.published, arriving.verdict
        await self.conn.execute(
            _INSERT,
            *(out.support_id, out.process_id, out.aspirant_id, out.citizen_key),
            *(out.status.value, out.received_at, _json(arriving), out.verified_at),
            *(verdict.status.value, list(verdict.reasons)),
        )
        for outcome in (*revisions, arriving):
            await self.republish(outcome)

    async def republish(self, outcome: Outcome) -> None:
        out = outcome.published
        await enqueue(self.conn, OUTBOX, SUPPORT_VERIFIED, out.citizen_key.encode(), encode(out))


def _revision(outcome: Outcome) -> tuple[object, ...]:
    out = outcome.published
    return (out.support_id, out.status.value, _json(outcome), out.verified_at)


class PgSupportBook:
    def __init__(self, pool: asyncpg.Pool) -> None:
        self.pool = pool

    @contextlib.asynccontextmanager
    async def citizen(self, process_id: str, citizen_key: str) -> AsyncIterator[_PgCitizen]:
        async with self.pool.acquire() as conn, conn.transaction():
            # Replicas serialise on the citizen, not on the table; a hash collision between
            # two citizens only makes one wait for the other.
            await conn.execute(
                "SELECT pg_advisory_xact_lock(hashtextextended($1, 0))",
                f"{process_id}\x1f{citizen_key}",
            )
            yield _PgCitizen(conn, process_id, citizen_key)


class PgProcesses:
    def __init__(self, pool: asyncpg.Pool) -> None:
        self.pool = pool

    async def get(self, process_id: str) -> ProcessDefinition | None:
        row = await self.pool.fetchrow(
            "SELECT definition FROM verification.processes WHERE process_id = $1", process_id
        )
        return None if row is None else ProcessDefinition.model_validate(row["definition"])

    async def save(self, definition: ProcessDefinition) -> None:
        await self.pool.execute(
            "INSERT INTO verification.processes (process_id, definition) VALUES ($1, $2) "
            "ON CONFLICT (process_id) DO UPDATE SET definition = EXCLUDED.definition, "
            "updated_at = now()",
            definition.id,
            json.loads(definition.model_dump_json()),
        )
