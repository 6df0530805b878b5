"""The rows of one process in every service's schema, and the order they go in.

Kept: each schema's `processes` (the definition is public), verification's `tally`, the
roll's cells, samples and `process_cells` (aggregates, no person in them), export's `jobs`
(marked as purged: their packages are deleted), the access logs (append-only by design) and
notification's delivery log (the recipient's domain only; letters are dropped as they settle).
"""

import asyncpg

_SUPPORTS = "(SELECT support_id FROM {schema}.supports WHERE process_id = $1)"
_OUTBOX = (
    "DELETE FROM {schema}.outbox WHERE (convert_from(payload, 'UTF8')::jsonb ->> '_process') = $1"
    " OR (convert_from(payload, 'UTF8')::jsonb ->> 'process_id') = $1"
)

# (table named in the record, statement); $1 is the process id. Children before parents.
STATEMENTS: tuple[tuple[str, str], ...] = (
    ("capture.idempotency_keys", "DELETE FROM capture.idempotency_keys WHERE support_id IN "
     + _SUPPORTS.format(schema="capture")),
    ("capture.certificates", "DELETE FROM capture.certificates WHERE support_id IN "
     + _SUPPORTS.format(schema="capture")),
    ("capture.grants", "DELETE FROM capture.grants WHERE process_id = $1"),
    ("capture.supports", "DELETE FROM capture.supports WHERE process_id = $1"),
    ("capture.auxiliaries", "DELETE FROM capture.auxiliaries WHERE process_id = $1"),
    ("capture.outbox", _OUTBOX.format(schema="capture")),
    ("identity.decodings", "DELETE FROM identity.decodings WHERE process_id = $1"),
    ("identity.picture_hashes", "DELETE FROM identity.picture_hashes WHERE process_id = $1"),
    ("identity.picture_bands", "DELETE FROM identity.picture_bands WHERE process_id = $1"),
    ("verification.referrals", "DELETE FROM verification.referrals WHERE process_id = $1"),
    ("verification.decisions", "DELETE FROM verification.decisions WHERE support_id IN "
     + _SUPPORTS.format(schema="verification")),
    ("verification.supports", "DELETE FROM verification.supports WHERE process_id = $1"),
    ("verification.outbox", _OUTBOX.format(schema="verification")),
    ("notification.outcomes", "DELETE FROM notification.outcomes WHERE process_id = $1"),
    ("export.captured", "DELETE FROM export.captured WHERE support_id IN (SELECT support_id "
     "FROM export.records WHERE process_id = $1) OR starts_with(evidence -> 0 ->> 'object_key', "
     "'evidence/' || $1 || '/')"),
    ("export.records", "DELETE FROM export.records WHERE process_id = $1"),
    ("export.jobs", "UPDATE export.jobs SET status = 'FAILED', error = 'paquete eliminado: "
     "proceso depurado', package_key = NULL WHERE process_id = $1 AND status <> 'FAILED'"),
)  # fmt: skip

OBJECT_FOLDERS = ("evidence", "certificates", "exports")


async def delete_rows(conn: asyncpg.Connection, process_id: str) -> dict[str, int]:
    """Every statement in one transaction (the caller's); how many rows each touched."""
    counts: dict[str, int] = {}
    for table, sql in STATEMENTS:
        status = await conn.execute(sql, process_id)
        counts[table] = int(status.rsplit(" ", 1)[1])
    return counts


async def open_referrals(pool: asyncpg.Pool, process_id: str) -> int:
    sql = (
        "SELECT count(*) FROM verification.referrals WHERE process_id = $1 AND decision_id IS NULL"
    )
    return int(await pool.fetchval(sql, process_id))


async def aggregates(pool: asyncpg.Pool, process_id: str) -> list[dict[str, object]]:
    """What the purge leaves: supports per aspirant and status (summed over cells)."""
    rows = await pool.fetch(
        "SELECT aspirant_id, status, sum(n)::bigint AS supports FROM verification.tally "
        "WHERE process_id = $1 GROUP BY 1, 2 HAVING sum(n) <> 0 ORDER BY 1, 2",
        process_id,
    )
    return [dict(r) for r in rows]
