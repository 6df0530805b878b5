"""Reading the desk in PostgreSQL, and `Desk.refer` (schema `verification`)."""

from collections.abc import Sequence
from datetime import date, datetime

import asyncpg

from apoyo_common.keyring import Keyring
from apoyo_common.messages import IdentityDecoded, SupportVerified
from apoyo_verification.adapters.desk_postgres import (
    PROPOSAL,
    REFER,
    SAMPLE,
    decision_of,
    proposal_of,
    referred_of,
    sample_of,
)
from apoyo_verification.adapters.sealing import opened
from apoyo_verification.desk.decision import Decision
from apoyo_verification.desk.ports import Audited, Item, QueueQuery, Sample, pointers
from apoyo_verification.desk.referral import NotRecorded, Referral

_QUEUE = (
    "SELECT DISTINCT support_id FROM verification.referrals "
    "WHERE process_id = $1 AND decision_id IS NULL AND support_id > $2 "
    "AND ($3::text IS NULL OR aspirant_id = $3) AND ($4::text IS NULL OR cause = $4) "
    "ORDER BY support_id LIMIT $5"
)
_BACKLOG = (
    "SELECT process_id, aspirant_id, count(DISTINCT support_id) AS n "
    "FROM verification.referrals WHERE decision_id IS NULL GROUP BY process_id, aspirant_id"
)
_SAMPLES = SAMPLE.replace("WHERE m.process_id = $1 AND m.aspirant_id = $2 ", "")
_AUDIT = (
    "SELECT d.*, s.aspirant_id FROM verification.decisions d "
    "JOIN verification.supports s ON s.support_id = d.support_id "
    "WHERE s.process_id = $1 AND d.decision_id < $2 ORDER BY d.decision_id DESC LIMIT $3"
)


class PgDeskStore:
    def __init__(self, pool: asyncpg.Pool, keyring: Keyring | None = None) -> None:
        self.pool = pool
        self.keyring = keyring or Keyring.off()  # personal fields sealed (docs/security.md)

    async def refer(self, referral: Referral, now: datetime) -> bool:
        r = referral
        async with self.pool.acquire() as conn:
            status = await conn.execute(REFER, r.support_id, r.cause.value, r.actor, r.note, now)
            if status.endswith(" 1"):
                return True
            known = await conn.fetchval(
                "SELECT 1 FROM verification.supports WHERE support_id = $1", r.support_id
            )
        if known is None:
            raise NotRecorded(r.support_id)
        return False

    async def queue(self, query: QueueQuery) -> list[Item]:
        q = query
        cause = None if q.cause is None else q.cause.value
        rows = await self.pool.fetch(_QUEUE, q.process_id, q.after, q.aspirant_id, cause, q.limit)
        return await self._items([r["support_id"] for r in rows])

    async def item(self, support_id: str) -> Item | None:
        found = await self._items([support_id])
        return found[0] if found else None

    async def _items(self, ids: list[str]) -> list[Item]:
        async with self.pool.acquire() as conn:
            supports = await conn.fetch(
                "SELECT support_id, output, decoded->'evidence' AS evidence "
                "FROM verification.supports WHERE support_id = ANY($1::text[]) "
                "ORDER BY support_id",
                ids,
            )
            referrals = await conn.fetch(
                "SELECT * FROM verification.referrals WHERE support_id = ANY($1::text[]) "
                "ORDER BY referred_at, cause",
                ids,
            )
            decisions = await conn.fetch(
                "SELECT * FROM verification.decisions WHERE support_id = ANY($1::text[]) "
                "ORDER BY decision_id",
                ids,
            )
            proposals = {r["support_id"]: proposal_of(r) for r in await conn.fetch(PROPOSAL, ids)}
        outputs = {
            s["support_id"]: await opened(self.keyring, s["support_id"], "output", s["output"])
            for s in supports
        }
        return [
            Item(
                SupportVerified.model_validate(outputs[s["support_id"]]),
                tuple(referred_of(r) for r in referrals if r["support_id"] == s["support_id"]),
                tuple(decision_of(d) for d in decisions if d["support_id"] == s["support_id"]),
                pointers(s["evidence"]),
                proposals.get(s["support_id"]),
            )
            for s in supports
        ]

    async def inputs(self, support_ids: Sequence[str]) -> dict[str, IdentityDecoded]:
        rows = await self.pool.fetch(
            "SELECT support_id, decoded FROM verification.supports "
            "WHERE support_id = ANY($1::text[]) AND decoded IS NOT NULL",
            list(support_ids),
        )
        return {
            r["support_id"]: IdentityDecoded.model_validate(
                await opened(self.keyring, r["support_id"], "decoded", r["decoded"])
            )
            for r in rows
        }

    async def sample(self, process_id: str, aspirant_id: str) -> Sample | None:
        row = await self.pool.fetchrow(SAMPLE, process_id, aspirant_id)
        return None if row is None else sample_of(row)

    async def counted(self, process_id: str, aspirant_id: str) -> list[str]:
        rows = await self.pool.fetch(
            "SELECT support_id FROM verification.supports WHERE process_id = $1 "
            "AND aspirant_id = $2 AND status = 'EN_LISTA_NOMINAL'",
            process_id,
            aspirant_id,
        )
        return [r["support_id"] for r in rows]

    async def backlog(self) -> dict[tuple[str, str], int]:
        rows = await self.pool.fetch(_BACKLOG)
        return {(r["process_id"], r["aspirant_id"]): r["n"] for r in rows}

    async def samples(self) -> list[Sample]:
        return [sample_of(r) for r in await self.pool.fetch(_SAMPLES)]

    async def audit(self, process_id: str, before: int | None, limit: int) -> list[Audited]:
        rows = await self.pool.fetch(_AUDIT, process_id, before or 2**63 - 1, limit)
        return [Audited(r["decision_id"], r["aspirant_id"], decision_of(r)) for r in rows]

    async def stale(self, process_id: str, cut: date, after: str, limit: int) -> list[str]:
        rows = await self.pool.fetch(
            "SELECT support_id FROM verification.supports WHERE process_id = $1 "
            "AND decoded IS NOT NULL AND judged_cut IS DISTINCT FROM $2 AND support_id > $3 "
            "ORDER BY support_id LIMIT $4",
            *(process_id, cut, after, limit),
        )
        return [r["support_id"] for r in rows]

    async def latest_decisions(self, support_ids: Sequence[str]) -> dict[str, Decision]:
        rows = await self.pool.fetch(
            "SELECT DISTINCT ON (support_id) * FROM verification.decisions "
            "WHERE support_id = ANY($1::text[]) ORDER BY support_id, decision_id DESC",
            list(support_ids),
        )
        return {r["support_id"]: decision_of(r) for r in rows}
