"""PostgreSQL support book and processes (schema `verification`).

One transaction per batch: advisory locks on its citizens in one order, one read of what they
have recorded, then the new outcomes, the revisions, the outbox events and the moves of the
aggregates (`tally`), each written with one pipelined statement.
"""

import contextlib
import json
from collections.abc import AsyncIterator, Collection, Sequence
from datetime import date

import asyncpg

from apoyo_common.codes import Status
from apoyo_common.db import lock_keys
from apoyo_common.keyring import Keyring
from apoyo_common.messages import ProcessCells, SupportVerified
from apoyo_common.outbox import sealed_payload
from apoyo_common.processes import ProcessDefinition
from apoyo_common.publishing import encode
from apoyo_common.topics import PROCESS_CELLS, SUPPORT_VERIFIED, process_key
from apoyo_verification.adapters.desk_postgres import PgHeldDesk, write_desk
from apoyo_verification.adapters.sealing import opened, sealed_text
from apoyo_verification.classify import Verdict
from apoyo_verification.outcome import Outcome
from apoyo_verification.recording import Changes, CitizenKey, citizen_of

OUTBOX = "verification.outbox"
_COLUMNS = "output, verdict, verdict_reasons, cell, judged_cut, person_key"
_INSERT = (
    "INSERT INTO verification.supports (support_id, process_id, aspirant_id, citizen_key, "
    "status, received_at, output, verified_at, verdict, verdict_reasons, cell, judged_cut, "
    "decoded, person_key) VALUES ($1, $2, $3, $4, $5, $6, $7::text::jsonb, $8, $9, $10, $11, "
    "$12, $13::text::jsonb, $14)"
)
_UPDATE = (
    "UPDATE verification.supports SET status = $2, output = $3::text::jsonb, verified_at = $4, "
    "verdict = $5, verdict_reasons = $6, cell = $7, judged_cut = $8, person_key = $9 "
    "WHERE support_id = $1"
)
_ENQUEUE = f"INSERT INTO {OUTBOX} (topic, key, payload) VALUES ($1, $2, $3)"
_TALLY = (
    "INSERT INTO verification.tally (process_id, aspirant_id, status, cell, n) "
    "VALUES ($1, $2, $3, $4, $5) ON CONFLICT (process_id, aspirant_id, status, cell) "
    "DO UPDATE SET n = verification.tally.n + EXCLUDED.n"
)


async def _outcome(keyring: Keyring, row: asyncpg.Record) -> Outcome:
    verdict = Verdict(Status(row["verdict"]), tuple(row["verdict_reasons"]))
    output = await opened(keyring, row["output"]["support_id"], "output", row["output"])
    published = SupportVerified.model_validate(output)
    return Outcome(verdict, published, row["cell"], row["judged_cut"], row["person_key"])


async def _decoded_text(keyring: Keyring, outcome: Outcome) -> str | None:
    if outcome.source is None:
        return None
    out, text = outcome.published, outcome.source.model_dump_json()
    return await sealed_text(keyring, out.process_id, out.support_id, "decoded", text)


def _inserted(outcome: Outcome, text: str, decoded: str | None) -> tuple[object, ...]:
    out, verdict = outcome.published, outcome.verdict
    return (
        *(out.support_id, out.process_id, out.aspirant_id, out.citizen_key),
        *(out.status.value, out.received_at, text, out.verified_at),
        *(verdict.status.value, list(verdict.reasons), outcome.cell, outcome.cut),
        decoded,
        outcome.person_key,
    )


def _updated(outcome: Outcome, text: str) -> tuple[object, ...]:
    out, verdict = outcome.published, outcome.verdict
    return (
        *(out.support_id, out.status.value, text, out.verified_at),
        *(verdict.status.value, list(verdict.reasons), outcome.cell, outcome.cut),
        outcome.person_key,
    )


def _written(changes: Changes) -> list[Outcome]:
    return [*changes.updated.values(), *changes.inserted.values(), *changes.events]


async def _event(keyring: Keyring, outcome: Outcome, text: str) -> tuple[object, ...]:
    out, key = outcome.published, outcome.published.citizen_key.encode()
    payload = await sealed_payload(keyring, out.process_id, SUPPORT_VERIFIED, key, text.encode())
    return (SUPPORT_VERIFIED, key, payload)


async def _stored(keyring: Keyring, outcome: Outcome, text: str) -> str:
    out = outcome.published
    return await sealed_text(keyring, out.process_id, out.support_id, "output", text)


class _PgHeld(PgHeldDesk):
    def __init__(self, conn: asyncpg.Connection, keys: list[CitizenKey], keyring: Keyring) -> None:
        self.conn, self.keys, self.keyring = conn, keys, keyring

    async def recorded(self, support_ids: Sequence[str]) -> dict[str, Outcome]:
        rows = await self.conn.fetch(
            f"SELECT {_COLUMNS} FROM verification.supports WHERE support_id = ANY($1::text[])",
            list(support_ids),
        )
        outcomes = [await _outcome(self.keyring, r) for r in rows]
        return {o.support_id: o for o in outcomes}

    async def outcomes(self) -> dict[CitizenKey, list[Outcome]]:
        rows = await self.conn.fetch(
            f"SELECT {_COLUMNS} FROM verification.supports s "
            "JOIN unnest($1::text[], $2::text[]) AS k(process_id, person) "
            "ON s.process_id = k.process_id AND s.person_key = k.person",
            [p for p, _ in self.keys],
            [c for _, c in self.keys],
        )
        held: dict[CitizenKey, list[Outcome]] = {}
        for outcome in [await _outcome(self.keyring, r) for r in rows]:
            held.setdefault(citizen_of(outcome), []).append(outcome)
        return held

    async def write(self, changes: Changes) -> None:
        # Revisions first: the one standing place may be moving to an arriving support; and
        # the ones that stop standing before any that starts (the partial unique index).
        texts = {id(o): o.event.model_dump_json() for o in _written(changes)}
        kept = {id(o): await _stored(self.keyring, o, texts[id(o)]) for o in _written(changes)}
        updates = sorted(changes.updated.values(), key=lambda o: o.final.standing)
        if updates:
            await self.conn.executemany(_UPDATE, [_updated(o, kept[id(o)]) for o in updates])
        if changes.inserted:
            rows = [
                _inserted(o, kept[id(o)], await _decoded_text(self.keyring, o))
                for o in changes.inserted.values()
            ]
            await self.conn.executemany(_INSERT, rows)
        if changes.events:
            events = [await _event(self.keyring, o, texts[id(o)]) for o in changes.events]
            await self.conn.executemany(_ENQUEUE, events)
        if changes.moves:  # in key order: two batches never wait on each other in a circle
            await self.conn.executemany(
                _TALLY, [(*key, n) for key, n in sorted(changes.moves.items())]
            )
        await write_desk(self.conn, changes)


class PgSupportBook:
    def __init__(self, pool: asyncpg.Pool, keyring: Keyring | None = None) -> None:
        self.pool = pool
        self.keyring = keyring or Keyring.off()  # personal fields sealed (docs/security.md)

    @contextlib.asynccontextmanager
    async def citizens(self, keys: Collection[CitizenKey]) -> AsyncIterator[_PgHeld]:
        held = sorted(set(keys))
        async with self.pool.acquire() as conn, conn.transaction():
            # Replicas serialise on citizens, not on the table, taking the locks in one order;
            # a hash collision between two citizens only makes one wait for the other.
            await lock_keys(conn, [f"{p}\x1f{c}" for p, c in held])
            yield _PgHeld(conn, held, self.keyring)

    async def tally(self, process_id: str, aspirant_id: str) -> dict[tuple[str, str], int]:
        rows = await self.pool.fetch(
            "SELECT status, cell, n FROM verification.tally "
            "WHERE process_id = $1 AND aspirant_id = $2 AND n <> 0",
            process_id,
            aspirant_id,
        )
        return {(r["status"], r["cell"]): int(r["n"]) for r in rows}


class PgAnnouncements:
    """`process.cells` events queued in verification's outbox."""

    def __init__(self, pool: asyncpg.Pool) -> None:
        self.pool = pool

    async def announce(self, cells: ProcessCells) -> None:
        await self.pool.execute(
            _ENQUEUE, PROCESS_CELLS, process_key(cells.process_id), encode(cells)
        )


class PgProcesses:
    def __init__(self, pool: asyncpg.Pool) -> None:
        self.pool = pool

    async def get(self, process_id: str) -> ProcessDefinition | None:
        row = await self.pool.fetchrow(
            "SELECT definition FROM verification.processes WHERE process_id = $1", process_id
        )
        return None if row is None else ProcessDefinition.model_validate(row["definition"])

    async def every(self) -> list[ProcessDefinition]:
        rows = await self.pool.fetch(
            "SELECT definition FROM verification.processes ORDER BY process_id"
        )
        return [ProcessDefinition.model_validate(r["definition"]) for r in rows]

    async def with_cut(self, cut: date) -> list[ProcessDefinition]:
        rows = await self.pool.fetch(
            "SELECT definition FROM verification.processes "
            "WHERE (definition->>'cut')::date = $1 ORDER BY process_id",
            cut,
        )
        return [ProcessDefinition.model_validate(r["definition"]) for r in rows]

    async def save(self, definition: ProcessDefinition) -> None:
        await self.pool.execute(
            "INSERT INTO verification.processes (process_id, definition) VALUES ($1, $2) "
            "ON CONFLICT (process_id) DO UPDATE SET definition = EXCLUDED.definition, "
            "updated_at = now()",
            definition.id,
            json.loads(definition.model_dump_json()),
        )
