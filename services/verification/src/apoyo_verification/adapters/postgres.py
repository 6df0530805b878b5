"""PostgreSQL voter roll (schema `verification`): one partition of `roll` per cut.

A load runs in one transaction: a staging table is created, filled with COPY, indexed and
analysed, then swapped in for the cut's old partition. Readers see nothing of it until the
commit; a failure rolls all of it back, staging table included (docs/voter-roll.md).
"""

import asyncio
import secrets
from collections.abc import AsyncIterable, AsyncIterator, Sequence
from datetime import date
from typing import Any, NamedTuple

import asyncpg

from apoyo_common.codes import CausaBaja, Situacion
from apoyo_verification.geography import Cell
from apoyo_verification.ports import CardKey, ClaveKey, CutInfo, UnknownCut
from apoyo_verification.roll.batch import RollBatch
from apoyo_verification.roll.rows import COLUMNS, RollRow

SCHEMA = "verification"
# Partition indexes must match the parent's (migration 0002) to be attached, not rebuilt.
INDEXES = ("(cic)", "(clave_elector)")
# An unquoted empty field is NULL in CSV: right for curp and causa_baja, not for surnames.
COPY_OPTIONS: dict[str, Any] = {
    "format": "csv",
    "force_not_null": ["apellido_paterno", "apellido_materno"],
}
_LONG = 3600.0  # seconds: the COPY and the index builds of a whole state's roll
SORT_MEMORY = "256MB"
# The lookup keys, and what the thresholds and the classification filter on.
_ANALYSED = (
    "cic, identificador, clave_elector, emision, seccion, municipio, distrito_local, "
    "distrito_federal, entidad, situacion"
)
_SELECT = "SELECT " + ", ".join(f"r.{c}" for c in COLUMNS) + f" FROM {SCHEMA}.roll r "
_BY_CARD = (
    _SELECT + "JOIN unnest($2::text[], $3::text[]) AS k(cic, identificador) "
    "ON r.cic = k.cic AND r.identificador = k.identificador WHERE r.cut = $1"
)
_BY_CLAVE_EMISION_OCR = (
    _SELECT + "JOIN unnest($2::text[], $3::text[], $4::text[], $5::text[]) "
    "AS k(clave_elector, emision, seccion, identificador) "
    "ON r.clave_elector = k.clave_elector AND r.emision = k.emision "
    "AND r.seccion = k.seccion AND r.identificador = k.identificador WHERE r.cut = $1"
)
_BY_CLAVE = _SELECT + "WHERE r.cut = $1 AND r.clave_elector = ANY($2::text[])"
_GEOGRAPHY = "entidad, distrito_federal, distrito_local, municipio, seccion"
_CELLS = f"SELECT {_GEOGRAPHY}, ln FROM {SCHEMA}.roll_cells WHERE cut = $1 ORDER BY cell"


# For a cut loaded before its cells were counted: once, on first use.
_COUNT_CELLS = (
    f"INSERT INTO {SCHEMA}.roll_cells (cut, cell, {_GEOGRAPHY}, ln) "
    f"SELECT $1, concat_ws('-', {_GEOGRAPHY}), {_GEOGRAPHY}, "
    f"count(*) FILTER (WHERE situacion = 'LN') FROM {SCHEMA}.roll "
    f"WHERE cut = $1 GROUP BY {_GEOGRAPHY} ON CONFLICT DO NOTHING"
)


_WRITE_CELLS = (
    f"INSERT INTO {SCHEMA}.roll_cells (cut, cell, {_GEOGRAPHY}, ln) SELECT $1, c.cell, "
    + ", ".join(f"split_part(c.cell, '-', {i})" for i in range(1, 6))
    + ", c.ln FROM unnest($2::text[], $3::bigint[]) AS c(cell, ln)"
)


def _row(record: asyncpg.Record) -> RollRow:
    values: list[Any] = list(record.values())
    values[16] = Situacion(values[16])
    values[17] = CausaBaja(values[17]) if values[17] else None
    return RollRow(*values)


async def _stage(conn: asyncpg.Connection, table: str, cut: date) -> None:
    # The CHECK lets ATTACH PARTITION trust the rows instead of scanning them again.
    literal = f"DATE '{cut.isoformat()}'"
    await conn.execute(
        f"CREATE TABLE {SCHEMA}.{table} (LIKE {SCHEMA}.roll_template INCLUDING ALL, "
        f"CHECK (cut = {literal})); "
        f"ALTER TABLE {SCHEMA}.{table} ALTER COLUMN cut SET DEFAULT {literal}"
    )


async def _index(conn: asyncpg.Connection, table: str) -> None:
    # A state's keys sort in memory with this much; the default spills them to disk.
    await conn.execute(f"SET LOCAL maintenance_work_mem = '{SORT_MEMORY}'")
    for columns in INDEXES:
        await conn.execute(f"CREATE INDEX ON {SCHEMA}.{table} {columns}", timeout=_LONG)
    # Statistics now, not when autovacuum gets to it: without them a batch lookup in a fresh
    # cut may be planned as a scan of the whole partition. The keys are all but unique, so
    # a sample of 3,000 rows tells that as well as the default 30,000, in a tenth of the time.
    await conn.execute("SET LOCAL default_statistics_target = 10")
    await conn.execute(f"ANALYZE {SCHEMA}.{table} ({_ANALYSED})", timeout=_LONG)


class Staged(NamedTuple):
    """A cut loaded and indexed, waiting for its swap."""

    table: str
    rows: int
    cells: dict[str, int]  # LN records per cell, counted by the batches on their way in


async def _swap(conn: asyncpg.Connection, cut: date, staged: Staged) -> None:
    table = staged.table
    # Loads of any cut swap one at a time; readers of roll_cuts are not blocked by this lock.
    await conn.execute(f"LOCK TABLE {SCHEMA}.roll_cuts IN EXCLUSIVE MODE", timeout=_LONG)
    old = await conn.fetchval(f"SELECT partition FROM {SCHEMA}.roll_cuts WHERE cut = $1", cut)
    if old is not None:
        # Waits for running lookups of any cut, and holds new ones until the commit.
        await conn.execute(f"ALTER TABLE {SCHEMA}.roll DETACH PARTITION {SCHEMA}.{old}")
        await conn.execute(f"DROP TABLE {SCHEMA}.{old}")
    await conn.execute(
        f"ALTER TABLE {SCHEMA}.roll ATTACH PARTITION {SCHEMA}.{table} "
        f"FOR VALUES IN ('{cut.isoformat()}')"
    )
    await conn.execute(
        f"INSERT INTO {SCHEMA}.roll_cuts (cut, partition, rows, loaded_at) "
        "VALUES ($1, $2, $3, clock_timestamp()) ON CONFLICT (cut) DO UPDATE SET "
        "partition = EXCLUDED.partition, rows = EXCLUDED.rows, loaded_at = EXCLUDED.loaded_at",
        cut,
        table,
        staged.rows,
    )
    await _write_cells(conn, cut, staged.cells)


async def _write_cells(conn: asyncpg.Connection, cut: date, cells: dict[str, int]) -> None:
    # Under the lock on roll_cuts, so that of two loads of one cut, the cells are the winner's.
    await conn.execute(f"DELETE FROM {SCHEMA}.roll_cells WHERE cut = $1", cut)
    await conn.execute(_WRITE_CELLS, cut, list(cells), list(cells.values()))


class SwapBlocked(RuntimeError):
    """Long-running lookups kept the roll busy through every attempt to swap the cut in."""


class PgVoterRoll:
    def __init__(
        self, pool: asyncpg.Pool, swap_wait_s: float = 2.0, swap_attempts: int = 30
    ) -> None:
        self.pool = pool
        self.swap_wait_s, self.swap_attempts = swap_wait_s, swap_attempts

    async def _swap_patiently(self, conn: asyncpg.Connection, cut: date, staged: Staged) -> None:
        """While the swap waits for its lock on `roll`, every new lookup queues behind it: so
        it waits briefly, and gives way to a long query (a count of a territory, say) to try
        again, rather than stall verification for as long as that query runs."""
        for _ in range(self.swap_attempts):
            try:
                async with conn.transaction():  # a savepoint: a try that gives way undoes itself
                    await conn.execute(f"SET LOCAL lock_timeout = {int(self.swap_wait_s * 1000)}")
                    await _swap(conn, cut, staged)
                    return
            except asyncpg.LockNotAvailableError:
                await asyncio.sleep(self.swap_wait_s)
        raise SwapBlocked(f"the roll stayed busy; cut {cut} was not swapped in")

    async def load(self, cut: date, batches: AsyncIterable[RollBatch]) -> int:
        table = f"roll_{cut:%Y%m%d}_{secrets.token_hex(4)}"
        rows, cells = 0, dict[str, int]()

        async def text() -> AsyncIterator[bytes]:
            nonlocal rows
            async for batch in batches:
                rows += batch.rows
                for cell, ln in batch.cells.items():
                    cells[cell] = cells.get(cell, 0) + ln
                if batch.rows:  # an all-or-nothing load that met a bad row sends none
                    yield batch.data

        async with self.pool.acquire() as conn, conn.transaction():
            await _stage(conn, table, cut)
            # One COPY for the whole file: the server parses while the next batch is checked.
            # FREEZE (the table is this transaction's own): the rows are written frozen and
            # the pages all-visible, so neither the first readers nor a later vacuum have to
            # go over two million rows again to mark them.
            await conn.copy_to_table(
                table,
                schema_name=SCHEMA,
                source=text(),
                columns=COLUMNS,
                timeout=_LONG,
                freeze=True,
                **COPY_OPTIONS,
            )
            await _index(conn, table)
            await self._swap_patiently(conn, cut, Staged(table, rows, cells))
        return rows

    async def _find(self, cut: date, sql: str, *arrays: list[str]) -> list[RollRow]:
        async with self.pool.acquire() as conn:
            found = [_row(r) for r in await conn.fetch(sql, cut, *arrays)]
            if not found and not await self._known(conn, cut):
                raise UnknownCut(cut)
        return found

    async def _known(self, conn: asyncpg.Connection, cut: date) -> bool:
        sql = f"SELECT EXISTS (SELECT 1 FROM {SCHEMA}.roll_cuts WHERE cut = $1)"
        return bool(await conn.fetchval(sql, cut))

    async def by_card(self, cut: date, keys: Sequence[CardKey]) -> list[RollRow]:
        unique = list(dict.fromkeys(keys))
        return await self._find(
            cut, _BY_CARD, [k.cic for k in unique], [k.identificador for k in unique]
        )

    async def by_clave_emision_ocr(self, cut: date, keys: Sequence[ClaveKey]) -> list[RollRow]:
        unique = list(dict.fromkeys(keys))
        return await self._find(
            cut,
            _BY_CLAVE_EMISION_OCR,
            [k.clave_elector for k in unique],
            [k.emision for k in unique],
            [k.ocr[:4] for k in unique],
            [k.ocr[4:] for k in unique],
        )

    async def by_clave(self, cut: date, claves: Sequence[str]) -> list[RollRow]:
        return await self._find(cut, _BY_CLAVE, list(dict.fromkeys(claves)))

    async def cells(self, cut: date) -> list[Cell]:
        async with self.pool.acquire() as conn:
            rows = await conn.fetch(_CELLS, cut)
            if not rows:  # a cut loaded before cells were counted: count them once now
                if not await self._known(conn, cut):
                    raise UnknownCut(cut)
                await conn.execute(_COUNT_CELLS, cut, timeout=_LONG)
                rows = await conn.fetch(_CELLS, cut)
        return [Cell(*r.values()) for r in rows]

    async def cuts(self) -> list[CutInfo]:
        records = await self.pool.fetch(
            f"SELECT cut, rows, loaded_at FROM {SCHEMA}.roll_cuts ORDER BY cut"
        )
        return [CutInfo(r["cut"], r["rows"], r["loaded_at"]) for r in records]
