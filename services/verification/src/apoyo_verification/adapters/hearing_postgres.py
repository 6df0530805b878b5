"""PostgreSQL hearing book (schema `verification`): the supports table read through the
partial index of the supports that do not count, the evidence and the contests."""

from collections.abc import Sequence
from datetime import UTC, datetime

import asyncpg

from apoyo_common.codes import EvidenceKind, Status
from apoyo_common.messages import IdentityDecoded
from apoyo_verification.hearing.domain import Contest, Heard, Query

# The literal list lets the planner use `supports_hearing` (a partial index).
_HEARD = "s.status NOT IN ('EN_LISTA_NOMINAL', 'RECIBIDO')"
_SELECT = f"""
SELECT s.support_id, s.status, s.output, s.received_at, s.verified_at,
       c.argument, c.contested_by, c.contested_at,
       ARRAY(SELECT e.kind FROM verification.evidence e
             WHERE e.support_id = s.support_id ORDER BY e.kind) AS kinds
FROM verification.supports s LEFT JOIN verification.contests c USING (support_id)
WHERE s.process_id = $1 AND s.aspirant_id = $2 AND {_HEARD}
"""
_PAGE = (
    _SELECT
    + """ AND ($3::text IS NULL OR s.status = $3) AND ($4::text IS NULL OR s.output->'reasons' ? $4)
  AND (s.received_at, s.support_id) > ($5::timestamptz, $6::text)
ORDER BY s.received_at, s.support_id LIMIT $7"""
)
_ONE = _SELECT + " AND s.support_id = $3"
_KEEP = (
    "INSERT INTO verification.evidence (support_id, kind, object_key, sha256) "
    "SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) ON CONFLICT DO NOTHING"
)
_OPEN = (
    "INSERT INTO verification.contests (support_id, process_id, aspirant_id, argument, "
    "contested_by, contested_at) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING"
)
_START = datetime(1, 1, 1, tzinfo=UTC)


def _heard(row: asyncpg.Record, process_id: str, aspirant_id: str) -> Heard:
    contest = None
    if row["contested_at"] is not None:
        contest = Contest(
            row["support_id"], process_id, aspirant_id, row["argument"],
            row["contested_by"], row["contested_at"],
        )  # fmt: skip
    output = row["output"]
    return Heard(
        row["support_id"], output["channel"], Status(row["status"]), tuple(output["reasons"]),
        row["received_at"], row["verified_at"], tuple(EvidenceKind(k) for k in row["kinds"]),
        contest,
    )  # fmt: skip


class PgHearingBook:
    def __init__(self, pool: asyncpg.Pool) -> None:
        self.pool = pool

    async def keep(self, supports: Sequence[IdentityDecoded]) -> None:
        facts = [(s.support_id, e) for s in supports for e in s.evidence]
        if not facts:
            return
        await self.pool.execute(
            _KEEP,
            [support_id for support_id, _ in facts],
            [e.kind.value for _, e in facts],
            [e.object_key for _, e in facts],
            [e.sha256 for _, e in facts],
        )

    async def page(self, query: Query) -> list[Heard]:
        after = query.after
        rows = await self.pool.fetch(
            _PAGE, query.process_id, query.aspirant_id,
            None if query.status is None else query.status.value, query.reason,
            _START if after is None else after.received_at,
            "" if after is None else after.support_id, query.limit,
        )  # fmt: skip
        return [_heard(r, query.process_id, query.aspirant_id) for r in rows]

    async def heard(self, process_id: str, aspirant_id: str, support_id: str) -> Heard | None:
        row = await self.pool.fetchrow(_ONE, process_id, aspirant_id, support_id)
        return None if row is None else _heard(row, process_id, aspirant_id)

    async def object_key(self, support_id: str, kind: EvidenceKind) -> str | None:
        key: str | None = await self.pool.fetchval(
            "SELECT object_key FROM verification.evidence WHERE support_id = $1 AND kind = $2",
            support_id, kind.value,
        )  # fmt: skip
        return key

    async def open_contest(self, contest: Contest) -> bool:
        c = contest
        done = await self.pool.execute(
            _OPEN, c.support_id, c.process_id, c.aspirant_id, c.argument,
            c.contested_by, c.contested_at,
        )  # fmt: skip
        return bool(done == "INSERT 0 1")

    async def drop_contest(self, support_id: str) -> None:
        sql = "DELETE FROM verification.contests WHERE support_id = $1"
        await self.pool.execute(sql, support_id)
