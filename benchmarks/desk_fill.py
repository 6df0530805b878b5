"""The review desk's and the overview's share of benchmarks/portal_lists.py: verification's rows
for the same synthetic supports capture holds, a desk backlog of realistic size, the decisions
already made, INE's sample, the tally and the cut's cells, then the requests the desk page and
the overview page send (each with an `ople` token).

Row n of an aspirant is the support capture's FILL made (same id, md5(aspirant || n)), with the
same status by n's remainder; those still RECIBIDO in capture are not in verification yet.
- The backlog: every PENDIENTE_REVISION support (2 %: 20,000 of a million) has an open
  referral, and INE's sample of 384 counted supports of asp-01 is open too (cause MUESTRA).
- The decisions: every INCONSISTENCIA support (5 %) was decided at the desk (a referral closed
  by a decision of one of twelve reviewers), so the audit list reads a table of 55,000.
- Progress: 1,600 cells of the cut (about a state's secciones) with their LN, and the tally
  by status and cell, as verification keeps it.
"""

import time
from datetime import datetime

import asyncpg

from apoyo_common.processes import ProcessDefinition
from apoyo_verification.adapters.book_postgres import PgProcesses

CELLS = 1600
LONG = 1800  # seconds: a million rows on a loaded machine
# The status of row n, as capture's FILL gives it; NULL for RECIBIDO (not verified yet).
_STATUS = """CASE WHEN n % 100 < 72 THEN 'EN_LISTA_NOMINAL' WHEN n % 100 < 78 THEN NULL
    WHEN n % 100 < 80 THEN 'PENDIENTE_REVISION' WHEN n % 100 < 86 THEN 'NO_ENCONTRADO'
    WHEN n % 100 < 90 THEN 'DUPLICADO_MISMO_ASPIRANTE' WHEN n % 100 < 93 THEN 'FUERA_AMBITO'
    WHEN n % 100 < 95 THEN 'EN_PADRON_NO_LN' ELSE 'INCONSISTENCIA' END"""
_CELL = (
    f"'26-01-01-' || lpad((n % {CELLS} / 40)::text, 3, '0') "
    f"|| '-' || lpad((n % {CELLS})::text, 4, '0')"
)
_IMAGE = (
    "jsonb_build_object('kind', '{kind}', 'object_key', "
    "'evidence/bench/' || id || '/{kind}.jpg', 'sha256', md5(id) || md5(id))"
)
_EVIDENCE = "jsonb_build_object('evidence', jsonb_build_array({}))".format(
    ", ".join(_IMAGE.format(kind=k) for k in ("credential_front", "credential_back", "signature"))
)

SUPPORTS = f"""
INSERT INTO verification.supports (support_id, process_id, aspirant_id, citizen_key, person_key,
    status, received_at, verified_at, output, decoded, cell, verdict, verdict_reasons)
SELECT id, 'bench', $2, key, key, status, received, received + interval '1 minute',
    jsonb_build_object('topic', 'support.verified', 'schema_version', 1, 'support_id', id,
        'process_id', 'bench', 'aspirant_id', $2, 'channel', 'AUXILIAR',
        'received_at', received, 'citizen_key', key, 'status', status,
        'reasons', CASE WHEN status = 'INCONSISTENCIA' THEN '["FOTOCOPIA"]'::jsonb
                        ELSE '[]'::jsonb END,
        'email', NULL, 'verified_at', received + interval '1 minute', 'registry', NULL),
    CASE WHEN status = 'PENDIENTE_REVISION' THEN {_EVIDENCE} END,
    cell, status, '{{}}'
FROM (SELECT md5($2 || n::text)::uuid::text AS id, md5('c' || $2 || n::text) AS key,
             {_STATUS} AS status, $3::timestamptz + n * interval '2.5 seconds' AS received,
             {_CELL} AS cell
      FROM generate_series(1, $1::int) AS n) AS s
WHERE status IS NOT NULL
"""
BACKLOG = """
INSERT INTO verification.referrals
    (support_id, cause, process_id, aspirant_id, actor, note, referred_at)
SELECT support_id, 'PENDIENTE_REVISION', process_id, aspirant_id, 'system', 'BLURRY', verified_at
FROM verification.supports WHERE process_id = 'bench' AND status = 'PENDIENTE_REVISION'
"""
DECISIONS = """
WITH decided AS (
    INSERT INTO verification.decisions
        (support_id, ruling, reason, note, actor, causes, decided_at)
    SELECT support_id, 'INCONSISTENCIA', 'FOTOCOPIA', '',
        'ople:revisor-' || (abs(hashtext(support_id)) % 12)::text, '{PENDIENTE_REVISION}',
        verified_at
    FROM verification.supports WHERE process_id = 'bench' AND status = 'INCONSISTENCIA'
    ORDER BY verified_at
    RETURNING decision_id, support_id, decided_at
)
INSERT INTO verification.referrals
    (support_id, cause, process_id, aspirant_id, actor, note, referred_at, decision_id)
SELECT d.support_id, 'PENDIENTE_REVISION', s.process_id, s.aspirant_id, 'system', '',
    s.received_at, d.decision_id
FROM decided d JOIN verification.supports s ON s.support_id = d.support_id
"""
SAMPLE = """
WITH drawn AS (
    INSERT INTO verification.referrals
        (support_id, cause, process_id, aspirant_id, actor, note, referred_at)
    SELECT support_id, 'MUESTRA', process_id, aspirant_id, 'ople:revisor-0',
        'muestra aleatoria (semilla 1)', now()
    FROM verification.supports
    WHERE process_id = 'bench' AND aspirant_id = 'asp-01' AND status = 'EN_LISTA_NOMINAL'
    ORDER BY md5(support_id) LIMIT 384
    RETURNING 1
)
INSERT INTO verification.samples (process_id, aspirant_id, size, seed, drawn, actor, drawn_at)
SELECT 'bench', 'asp-01', 384, 1, count(*), 'ople:revisor-0', now() FROM drawn
"""
TALLY = """
INSERT INTO verification.tally (process_id, aspirant_id, status, cell, n)
SELECT process_id, aspirant_id, status, cell, count(*) FROM verification.supports
WHERE process_id = 'bench' GROUP BY 1, 2, 3, 4
"""
ROLL_CELLS = f"""
INSERT INTO verification.roll_cells
    (cut, cell, entidad, distrito_federal, distrito_local, municipio, seccion, ln)
SELECT $1::date, cell, '26', '01', '01', split_part(cell, '-', 4), split_part(cell, '-', 5),
    1400
FROM (SELECT DISTINCT {_CELL} AS cell FROM generate_series(0, {CELLS - 1}) AS n) AS c
"""


async def fill_desk(
    pool: asyncpg.Pool, process: ProcessDefinition, supports: int, t0: datetime
) -> None:
    started = time.monotonic()
    await PgProcesses(pool).save(process)
    async with pool.acquire() as conn:
        await conn.execute(SUPPORTS, supports, "asp-01", t0, timeout=LONG)
        await conn.execute(SUPPORTS, supports // 10, "asp-02", t0, timeout=LONG)
        for step in (BACKLOG, DECISIONS, SAMPLE, TALLY):
            await conn.execute(step, timeout=LONG)
        await conn.execute(ROLL_CELLS, process.cut)
        for table in ("supports", "referrals", "decisions", "tally", "roll_cells"):
            await conn.execute(f"ANALYZE verification.{table}", timeout=LONG)
        backlog = await conn.fetchval(
            "SELECT count(DISTINCT support_id) FROM verification.referrals "
            "WHERE decision_id IS NULL"
        )
        decisions = await conn.fetchval("SELECT count(*) FROM verification.decisions")
    took = time.monotonic() - started
    print(f"verification: desk backlog {backlog:,}, {decisions:,} decisions, in {took:.0f} s")


async def deep_queue_key(pool: asyncpg.Pool) -> str:
    """The support id 90 % of the way into the process's open items (a late page)."""
    key = await pool.fetchval(
        timeout=LONG,
        query="SELECT support_id FROM verification.referrals WHERE process_id = 'bench' "
        "AND decision_id IS NULL ORDER BY support_id OFFSET (SELECT (count(*) * 0.9)::int "
        "FROM verification.referrals WHERE process_id = 'bench' AND decision_id IS NULL) LIMIT 1",
    )
    return str(key)


def desk_requests(deep: str) -> list[tuple[str, str, dict[str, str]]]:
    """(name, path, query) of what the desk and overview pages ask for, as an `ople` token."""
    queue = "/v1/review/queue"
    return [
        ("desk queue, first page (50)", queue, {"process_id": "bench"}),
        ("desk queue, deep page", queue, {"process_id": "bench", "after": deep}),
        ("desk queue, aspirant asp-02", queue, {"process_id": "bench", "aspirant_id": "asp-02"}),
        ("desk queue, cause=MUESTRA", queue, {"process_id": "bench", "cause": "MUESTRA"}),
        (
            "desk audit list (20 newest)",
            "/v1/review/decisions",
            {"process_id": "bench", "limit": "20"},
        ),
        ("institute overview", "/v1/review/overview", {}),
        ("exports of the process", "/v1/exports", {"process_id": "bench"}),
    ]
