"""Valid rows travel to a roll as CSV text in UTF-8: the form PostgreSQL's COPY takes as is.

The text is in COLUMNS order without a header; an empty `curp` or `causa_baja` means none.
A valid row is always one line of 18 fields and nothing quoted (no valid value holds a
comma, a quote or a newline). A batch counts its rows' LN per cell on the way.
"""

import csv
import io
from collections import Counter
from collections.abc import Iterable
from typing import NamedTuple

from apoyo_verification.roll.rows import RollRow, typed


class RollBatch(NamedTuple):
    data: bytes  # UTF-8, one line per row, each ending in a newline
    rows: int
    cells: dict[str, int]  # LN records by cell key (geography.cell_key), every cell present


def count_cells(rows: Iterable[tuple[str, str]]) -> dict[str, int]:
    """LN records per cell of rows given as (entidad to seccion with their commas,
    situacion, maybe followed by a comma and the cause)."""
    cells: dict[str, int] = {}
    for (place, situation), count in Counter(rows).items():
        cell = place.replace(",", "-")
        cells[cell] = cells.get(cell, 0) + (count if situation.startswith("LN") else 0)
    return cells


def batch_from(data: bytes) -> RollBatch:
    """The batch of `data`, valid lines only (as the loader and `batch_of` write them)."""
    rows = [line.split(",") for line in data.decode().split("\n")[:-1]]
    return RollBatch(data, len(rows), count_cells((",".join(r[10:15]), r[16]) for r in rows))


def csv_line(row: RollRow) -> str:
    """The row as one CSV line without its newline."""
    buffer = io.StringIO()
    values = list(row)
    values[4] = row.curp or ""
    values[8] = row.fecha_nacimiento.isoformat()
    values[16] = row.situacion.value
    values[17] = row.causa_baja.value if row.causa_baja else ""
    csv.writer(buffer, lineterminator="").writerow(values)
    return buffer.getvalue()


def batch_of(rows: Iterable[RollRow]) -> RollBatch:
    return batch_from("".join(csv_line(r) + "\n" for r in rows).encode())


def rows_of(batch: RollBatch) -> list[RollRow]:
    return [typed(values) for values in csv.reader(io.StringIO(batch.data.decode()))]
