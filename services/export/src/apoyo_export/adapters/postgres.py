"""Records and processes in PostgreSQL (schema `export`)."""

import json
from collections.abc import AsyncGenerator, Sequence
from datetime import date
from typing import Any

import asyncpg

from apoyo_common.keyring import Keyring
from apoyo_common.keyring.documents import open_bytes, open_json, seal_bytes, seal_json
from apoyo_common.messages import ProcessCells, SupportCaptured, SupportExported, SupportNotified
from apoyo_common.processes import ProcessDefinition
from apoyo_export.records import Evidence, Support

KEEP = """
INSERT INTO export.records (support_id, process_id, aspirant_id, status, received_at,
    record_sha256, output, exported_at, notified_at, outcome)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
ON CONFLICT (support_id) DO UPDATE SET status = EXCLUDED.status,
    record_sha256 = EXCLUDED.record_sha256, output = EXCLUDED.output,
    exported_at = EXCLUDED.exported_at, notified_at = EXCLUDED.notified_at,
    outcome = EXCLUDED.outcome
WHERE export.records.notified_at IS NULL OR export.records.notified_at < EXCLUDED.notified_at
RETURNING output
"""
SUPPORTS = """
SELECT r.support_id, r.process_id, r.aspirant_id, r.output->>'channel' AS channel,
    r.received_at, r.status, coalesce(r.outcome->'reasons', '[]'::jsonb) AS reasons,
    c.form, c.evidence, r.outcome->'registry' AS registry, c.certificate
FROM export.records r LEFT JOIN export.captured c USING (support_id)
WHERE r.process_id = $1 AND r.aspirant_id = $2
ORDER BY r.received_at, r.support_id
"""


def _json(model: SupportNotified | SupportExported) -> Any:
    return json.loads(model.model_dump_json())


def _form_context(support_id: str) -> str:
    return f"export.captured/{support_id}/form"


def _certificate_context(support_id: str) -> str:
    return f"export.captured/{support_id}/certificate"


def support_of(
    row: asyncpg.Record, form: dict[str, Any] | None, certificate: bytes | None = None
) -> Support:
    evidence = tuple(
        Evidence(e["kind"], e["object_key"], e["sha256"], e["bytes"], e["content_type"])
        for e in row["evidence"] or ()
    )
    return Support(
        row["support_id"], row["process_id"], row["aspirant_id"], row["channel"],
        row["received_at"], row["status"], tuple(row["reasons"]), form or {}, evidence,
        row["registry"], certificate,
    )  # fmt: skip


class PgRecords:
    def __init__(
        self, pool: asyncpg.Pool, batch: int = 500, keyring: Keyring | None = None
    ) -> None:
        self.pool, self.batch = pool, batch
        self.keyring = keyring or Keyring.off()  # the captured form sealed (docs/security.md)

    async def keep(self, notified: SupportNotified, exported: SupportExported) -> SupportExported:
        return (await self.keep_many([(notified, exported)]))[0]

    async def keep_many(
        self, outcomes: Sequence[tuple[SupportNotified, SupportExported]]
    ) -> list[SupportExported]:
        async with self.pool.acquire() as conn, conn.transaction():
            return [await _keep(conn, notified, exported) for notified, exported in outcomes]

    async def captured(self, event: SupportCaptured) -> None:
        await self.captured_many([event])

    async def captured_many(self, events: Sequence[SupportCaptured]) -> None:
        rows = [await self._captured_row(event) for event in events]
        # One pipelined round trip for the batch; a support seen twice keeps its first row.
        await self.pool.executemany(
            "INSERT INTO export.captured (support_id, form, evidence, certificate) "
            "VALUES ($1, $2, $3, $4) "
            "ON CONFLICT (support_id) DO NOTHING",
            rows,
        )

    async def _captured_row(self, event: SupportCaptured) -> tuple[object, ...]:
        sid, pid = event.support_id, event.process_id
        typed = event.form.model_dump(mode="json", exclude={"email"})
        form = await seal_json(self.keyring, pid, _form_context(sid), typed)
        evidence = [e.model_dump(mode="json") for e in event.evidence]
        document = event.certificate_bytes  # None in a version 1 event: object storage has it
        if document is not None:  # it names the address and the client's IP: sealed
            document = await seal_bytes(self.keyring, pid, _certificate_context(sid), document)
        return sid, form, evidence, document

    async def supports(self, process_id: str, aspirant_id: str) -> AsyncGenerator[Support, None]:
        """A server-side cursor in one read-only snapshot: revisions that arrive meanwhile
        wait for the next package, and memory holds one batch of rows."""
        async with (
            self.pool.acquire() as conn,
            conn.transaction(isolation="repeatable_read", readonly=True),
        ):
            cursor = conn.cursor(SUPPORTS, process_id, aspirant_id, prefetch=self.batch)
            async for row in cursor:
                yield await self._support(row)

    async def _support(self, row: asyncpg.Record) -> Support:
        sid, sealed = row["support_id"], row["certificate"]
        form = await open_json(self.keyring, _form_context(sid), row["form"])
        context = _certificate_context(sid)
        document = None if sealed is None else await open_bytes(self.keyring, context, sealed)
        return support_of(row, form, document)


async def _keep(
    conn: asyncpg.Connection, n: SupportNotified, exported: SupportExported
) -> SupportExported:
    output = await conn.fetchval(
        KEEP, n.support_id, n.process_id, n.aspirant_id, n.status.value, n.received_at,
        exported.record_sha256, _json(exported), exported.exported_at, n.notified_at, _json(n),
    )  # fmt: skip
    if output is None:  # a redelivery, or an older revision: the kept one stands
        output = await conn.fetchval(
            "SELECT output FROM export.records WHERE support_id = $1", n.support_id
        )
    return SupportExported.model_validate(output)


class PgProcesses:
    def __init__(self, pool: asyncpg.Pool) -> None:
        self.pool = pool

    async def save(self, process: ProcessDefinition) -> None:
        await self.pool.execute(
            "INSERT INTO export.processes (process_id, definition) VALUES ($1, $2) "
            "ON CONFLICT (process_id) DO UPDATE SET definition = EXCLUDED.definition",
            process.id, json.loads(process.model_dump_json()),
        )  # fmt: skip

    async def get(self, process_id: str) -> ProcessDefinition | None:
        found = await self.pool.fetchval(
            "SELECT definition FROM export.processes WHERE process_id = $1", process_id
        )
        return None if found is None else ProcessDefinition.model_validate(found)

    async def save_cells(self, cells: ProcessCells) -> None:
        await self.pool.execute(
            "INSERT INTO export.process_cells (process_id, cut, computed_at, cells) "
            "VALUES ($1, $2, $3, $4) ON CONFLICT (process_id, cut) DO UPDATE SET "
            "computed_at = EXCLUDED.computed_at, cells = EXCLUDED.cells "
            "WHERE export.process_cells.computed_at < EXCLUDED.computed_at",
            cells.process_id, cells.cut, cells.computed_at, json.loads(cells.model_dump_json()),
        )  # fmt: skip

    async def cells(self, process_id: str, cut: date) -> ProcessCells | None:
        found = await self.pool.fetchval(
            "SELECT cells FROM export.process_cells WHERE process_id = $1 AND cut = $2",
            process_id, cut,
        )  # fmt: skip
        return None if found is None else ProcessCells.model_validate(found)
