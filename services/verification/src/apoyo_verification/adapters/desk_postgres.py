"""The desk in PostgreSQL (schema `verification`): referrals, decisions and samples.

`PgHeldDesk` works on the book's transaction (the citizens' locks held); `PgDeskStore` reads
and refers on connections of its own.
"""

from collections.abc import Sequence
from datetime import datetime

import asyncpg

from apoyo_verification.desk.automatic import automatic
from apoyo_verification.desk.decision import Decision, Ruling
from apoyo_verification.desk.ports import Proposal, Referred, Sample, SampleExists
from apoyo_verification.desk.referral import Cause
from apoyo_verification.recording import Changes

REFER = (
    "INSERT INTO verification.referrals "
    "(support_id, cause, process_id, aspirant_id, actor, note, referred_at) "
    "SELECT s.support_id, $2, s.process_id, s.aspirant_id, $3, $4, $5 "
    "FROM verification.supports s WHERE s.support_id = $1 ON CONFLICT DO NOTHING"
)
_DECIDE = (
    "INSERT INTO verification.decisions "
    "(support_id, ruling, reason, note, actor, causes, decided_at, proposed_by) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING decision_id"
)
_SETTLE = (
    "UPDATE verification.proposals SET decision_id = $2 "
    "WHERE support_id = $1 AND decision_id IS NULL"
)
PROPOSAL = (
    "SELECT support_id, reason, note, actor, proposed_at FROM verification.proposals "
    "WHERE support_id = ANY($1::text[]) AND decision_id IS NULL"
)
_CLOSE = (
    "UPDATE verification.referrals SET decision_id = $2 "
    "WHERE support_id = $1 AND decision_id IS NULL AND cause = ANY($3::text[])"
)
SAMPLE = (
    "SELECT m.process_id, m.aspirant_id, m.size, m.seed, m.drawn, m.escalated, "
    "count(d.decision_id) AS decided, "
    "count(d.decision_id) FILTER (WHERE d.ruling = 'INCONSISTENCIA') AS problems "
    "FROM verification.samples m LEFT JOIN verification.referrals r "
    "ON r.process_id = m.process_id AND r.aspirant_id = m.aspirant_id AND r.cause = 'MUESTRA' "
    "LEFT JOIN verification.decisions d ON d.decision_id = r.decision_id "
    "WHERE m.process_id = $1 AND m.aspirant_id = $2 GROUP BY m.process_id, m.aspirant_id"
)
_ESCALATE = (
    "INSERT INTO verification.referrals "
    "(support_id, cause, process_id, aspirant_id, actor, note, referred_at) "
    "SELECT s.support_id, 'ASPIRANTE_COMPLETO', s.process_id, s.aspirant_id, $3, $4, $5 "
    "FROM verification.supports s WHERE s.process_id = $1 AND s.aspirant_id = $2 "
    "AND s.status = 'EN_LISTA_NOMINAL' AND NOT EXISTS (SELECT 1 FROM verification.referrals r "
    "WHERE r.support_id = s.support_id AND r.cause = 'MUESTRA') ON CONFLICT DO NOTHING"
)


def sample_of(row: asyncpg.Record) -> Sample:
    return Sample(**{k: row[k] for k in Sample.__dataclass_fields__})


def decision_of(row: asyncpg.Record) -> Decision:
    return Decision(
        *(row["support_id"], Ruling(row["ruling"]), row["reason"], row["note"]),
        *(row["actor"], row["decided_at"], tuple(map(Cause, row["causes"]))),
        row["proposed_by"],
    )


def proposal_of(row: asyncpg.Record) -> Proposal:
    return Proposal(**{k: row[k] for k in Proposal.__dataclass_fields__})


def referred_of(row: asyncpg.Record) -> Referred:
    decided = row["decision_id"] is not None
    return Referred(Cause(row["cause"]), row["actor"], row["note"], row["referred_at"], decided)


async def write_desk(conn: asyncpg.Connection, changes: Changes) -> None:
    """The desk's part of a book write: automatic referrals, then decisions."""
    refer = [(r.support_id, r.cause.value, r.actor, r.note, at) for r, at in automatic(changes)]
    if refer:
        await conn.executemany(REFER, refer)
    for d in changes.decisions:
        causes = [c.value for c in d.causes]
        values = (d.support_id, d.ruling.value, d.reason, d.note, d.actor, causes, d.decided_at)
        decision_id = await conn.fetchval(_DECIDE, *values, d.proposed_by)
        await conn.execute(_CLOSE, d.support_id, decision_id, causes)
        await conn.execute(_SETTLE, d.support_id, decision_id)


class PgHeldDesk:
    conn: asyncpg.Connection

    async def referrals(self, support_id: str) -> list[Referred]:
        rows = await self.conn.fetch(
            "SELECT * FROM verification.referrals WHERE support_id = $1 ORDER BY referred_at",
            support_id,
        )
        return [referred_of(r) for r in rows]

    async def proposal(self, support_id: str) -> Proposal | None:
        row = await self.conn.fetchrow(PROPOSAL, [support_id])
        return None if row is None else proposal_of(row)

    async def propose(self, proposal: Proposal) -> None:
        p = proposal
        await self.conn.execute(
            "INSERT INTO verification.proposals "
            "(support_id, reason, note, actor, proposed_at) VALUES ($1, $2, $3, $4, $5)",
            *(p.support_id, p.reason, p.note, p.actor, p.proposed_at),
        )

    async def draw(self, sample: Sample, chosen: Sequence[str], actor: str, now: datetime) -> int:
        status = await self.conn.execute(
            "INSERT INTO verification.samples "
            "(process_id, aspirant_id, size, seed, drawn, actor, drawn_at) "
            "VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING",
            *(sample.process_id, sample.aspirant_id, sample.size, sample.seed),
            *(len(chosen), actor, now),
        )
        if status.endswith(" 0"):
            raise SampleExists(sample.aspirant_id)
        note = f"muestra aleatoria (semilla {sample.seed})"
        rows = [(sid, Cause.MUESTRA.value, actor, note, now) for sid in chosen]
        await self.conn.executemany(REFER, rows)
        return len(chosen)

    async def sample_for_update(self, process_id: str, aspirant_id: str) -> Sample | None:
        await self.conn.execute(
            "SELECT 1 FROM verification.samples WHERE process_id = $1 AND aspirant_id = $2 "
            "FOR UPDATE",
            process_id,
            aspirant_id,
        )
        row = await self.conn.fetchrow(SAMPLE, process_id, aspirant_id)
        return None if row is None else sample_of(row)

    async def finish_sample(self, sample: Sample, full: bool, actor: str, now: datetime) -> int:
        referred = 0
        if full:
            note = f"la muestra tuvo {sample.problems} de {sample.drawn} con problemas"
            status = await self.conn.execute(
                _ESCALATE, sample.process_id, sample.aspirant_id, actor, note, now
            )
            referred = int(status.split()[-1])
        await self.conn.execute(
            "UPDATE verification.samples SET escalated_at = $3, escalated = $4 "
            "WHERE process_id = $1 AND aspirant_id = $2",
            sample.process_id,
            sample.aspirant_id,
            now,
            referred,
        )
        return referred
