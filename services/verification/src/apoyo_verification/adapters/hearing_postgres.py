"""PostgreSQL hearing book (schema `verification`): the supports that do not count (through
their partial index) and the contested ones, the evidence kept with each outcome (`decoded`),
and the desk's AUDIENCIA referrals with the decisions that closed them."""

from datetime import UTC, datetime

import asyncpg

from apoyo_common.codes import EvidenceKind, Status
from apoyo_verification.hearing.domain import Contest, Heard, Query, Ruled

_COLUMNS = """
SELECT s.support_id, s.status, s.output, s.received_at, s.verified_at,
       r.note AS argument, r.actor AS contested_by, r.referred_at AS contested_at,
       d.ruling, d.reason, d.note AS ruling_note, d.decided_at,
       ARRAY(SELECT e->>'kind' FROM jsonb_array_elements(s.decoded->'evidence') e
             ORDER BY 1) AS kinds
FROM verification.supports s
LEFT JOIN verification.referrals r ON r.support_id = s.support_id AND r.cause = 'AUDIENCIA'
LEFT JOIN verification.decisions d ON d.decision_id = r.decision_id
WHERE s.process_id = $1 AND s.aspirant_id = $2"""
# The literal list lets the planner use `supports_hearing` (a partial index); the contested
# supports that count now (the desk upheld the contest) come from the desk's referrals.
_NOT_COUNTING = " AND s.status NOT IN ('EN_LISTA_NOMINAL', 'RECIBIDO')"
_CONTESTED = (
    " AND s.status IN ('EN_LISTA_NOMINAL', 'RECIBIDO') AND s.support_id IN (SELECT support_id "
    "FROM verification.referrals WHERE process_id = $1 AND aspirant_id = $2 "
    "AND cause = 'AUDIENCIA')"
)
_FILTERS = """ AND ($3::text IS NULL OR s.status = $3)
  AND ($4::text IS NULL OR s.output->'reasons' ? $4)
  AND (s.received_at, s.support_id) > ($5::timestamptz, $6::text)
ORDER BY s.received_at, s.support_id LIMIT $7"""
_PAGE = (
    f"({_COLUMNS}{_NOT_COUNTING}{_FILTERS}) UNION ALL ({_COLUMNS}{_CONTESTED}{_FILTERS}) "
    "ORDER BY received_at, support_id LIMIT $7"
)
_ONE = (
    f"{_COLUMNS} AND s.support_id = $3 AND (s.status NOT IN ('EN_LISTA_NOMINAL', 'RECIBIDO') "
    "OR r.support_id IS NOT NULL)"
)
_START = datetime(1, 1, 1, tzinfo=UTC)  # before any reception: the first page
_OBJECT_KEY = (
    "SELECT e->>'object_key' FROM verification.supports s, "
    "jsonb_array_elements(s.decoded->'evidence') e WHERE s.support_id = $1 AND e->>'kind' = $2"
)


def _contest(row: asyncpg.Record) -> Contest | None:
    if row["contested_at"] is None:
        return None
    ruled = None
    if row["decided_at"] is not None:
        ruled = Ruled(row["ruling"], row["reason"], row["ruling_note"], row["decided_at"])
    return Contest(row["argument"], row["contested_by"], row["contested_at"], ruled)


def _heard(row: asyncpg.Record) -> Heard:
    output = row["output"]
    return Heard(
        row["support_id"], output["channel"], Status(row["status"]), tuple(output["reasons"]),
        row["received_at"], row["verified_at"], tuple(EvidenceKind(k) for k in row["kinds"]),
        _contest(row),
    )  # fmt: skip


class PgHearingBook:
    def __init__(self, pool: asyncpg.Pool) -> None:
        self.pool = pool

    async def page(self, query: Query) -> list[Heard]:
        after, status = query.after, None if query.status is None else query.status.value
        rows = await self.pool.fetch(
            _PAGE, query.process_id, query.aspirant_id, status, query.reason,
            _START if after is None else after.received_at,
            "" if after is None else after.support_id, query.limit,
        )  # fmt: skip
        return [_heard(r) for r in rows]

    async def heard(self, process_id: str, aspirant_id: str, support_id: str) -> Heard | None:
        row = await self.pool.fetchrow(_ONE, process_id, aspirant_id, support_id)
        return None if row is None else _heard(row)

    async def object_key(self, support_id: str, kind: EvidenceKind) -> str | None:
        key: str | None = await self.pool.fetchval(_OBJECT_KEY, support_id, kind.value)
        return key
