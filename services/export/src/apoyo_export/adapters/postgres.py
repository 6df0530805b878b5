"""Records and processes in PostgreSQL (schema `export`)."""

import json
from collections.abc import AsyncGenerator, Sequence
from datetime import date, datetime
from typing import Any

import asyncpg

from apoyo_common.keyring import Keyring
from apoyo_common.keyring.documents import open_bytes, open_json, seal_bytes, seal_json
from apoyo_common.messages import ProcessCells, SupportCaptured, SupportExported, SupportNotified
from apoyo_common.processes import ProcessDefinition
from apoyo_export.records import Evidence, Support

# A batch's outcomes in one statement: `old` is what was kept before it (the statement's
# snapshot), `kept` the supports whose outcome it wrote, each the latest of its supports in the
# batch, in the order of their ids (so two batches lock the rows they share in one order). A
# later outcome already kept stays.
KEEP = """
WITH old AS (
    SELECT support_id, notified_at, output FROM export.records
    WHERE support_id = ANY($1::text[])
), kept AS (
    INSERT INTO export.records (support_id, process_id, aspirant_id, status, received_at,
        record_sha256, output, exported_at, notified_at, outcome)
    SELECT support_id, process_id, aspirant_id, status, received_at, record_sha256,
        output::jsonb, exported_at, notified_at, outcome::jsonb
    FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::timestamptz[], $6::text[],
        $7::text[], $8::timestamptz[], $9::timestamptz[], $10::text[])
        AS o(support_id, process_id, aspirant_id, status, received_at, record_sha256, output,
        exported_at, notified_at, outcome)
    ORDER BY support_id
    ON CONFLICT (support_id) DO UPDATE SET status = EXCLUDED.status,
        record_sha256 = EXCLUDED.record_sha256, output = EXCLUDED.output,
        exported_at = EXCLUDED.exported_at, notified_at = EXCLUDED.notified_at,
        outcome = EXCLUDED.outcome
    WHERE export.records.notified_at IS NULL
        OR export.records.notified_at < EXCLUDED.notified_at
    RETURNING support_id
)
SELECT support_id, notified_at, output, false AS written FROM old
UNION ALL SELECT support_id, NULL::timestamptz, NULL::jsonb, true FROM kept
"""
SUPPORTS = """
SELECT r.support_id, r.process_id, r.aspirant_id, r.output->>'channel' AS channel,
    r.received_at, r.status, coalesce(r.outcome->'reasons', '[]'::jsonb) AS reasons,
    c.form, c.evidence, r.outcome->'registry' AS registry, c.certificate
FROM export.records r LEFT JOIN export.captured c USING (support_id)
WHERE r.process_id = $1 AND r.aspirant_id = $2
ORDER BY r.received_at, r.support_id
"""


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
        """One statement for the batch (`KEEP`), then each outcome judged in order against
        what was kept before it, as one statement each would have judged it."""
        latest: dict[str, tuple[SupportNotified, SupportExported]] = {}
        for n, exported in outcomes:
            held = latest.get(n.support_id)
            if held is None or held[0].notified_at < n.notified_at:
                latest[n.support_id] = (n, exported)
        chosen = [latest[support_id] for support_id in sorted(latest)]
        columns = zip(
            *(
                (n.support_id, n.process_id, n.aspirant_id, n.status.value, n.received_at,
                 e.record_sha256, e.model_dump_json(), e.exported_at, n.notified_at,
                 n.model_dump_json())
                for n, e in chosen
            ), strict=True,
        )  # fmt: skip
        rows = await self.pool.fetch(KEEP, *map(list, columns)) if chosen else []
        written = {r["support_id"] for r in rows if r["written"]}
        current: dict[str, tuple[datetime | None, SupportExported]] = {
            r["support_id"]: (r["notified_at"], SupportExported.model_validate(r["output"]))
            for r in rows
            if not r["written"]
        }
        kept = []
        for n, exported in outcomes:
            before = current.get(n.support_id)
            if before is None or before[0] is None or before[0] < n.notified_at:
                current[n.support_id] = before = (n.notified_at, exported)
            kept.append(before[1])
        # A latest outcome that beat what the snapshot showed but was not written: another
        # writer kept a later one meanwhile, which is what its support passes on.
        lost = [s for s, (_, e) in latest.items() if s not in written and current[s][1] is e]
        if lost:
            again = await self.pool.fetch(
                "SELECT support_id, output FROM export.records WHERE support_id = ANY($1)", lost
            )
            stored = {r["support_id"]: SupportExported.model_validate(r["output"]) for r in again}
            kept = [stored.get(n.support_id, k) for (n, _), k in zip(outcomes, kept, strict=True)]
        return kept

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
