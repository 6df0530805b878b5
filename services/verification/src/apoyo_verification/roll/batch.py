"""Valid rows travel to a roll as CSV text in UTF-8: the form PostgreSQL's COPY takes as is.

The text is in COLUMNS order without a header; an empty `curp` or `causa_baja` means none.
"""

import csv
import io
from collections.abc import Iterable
from typing import NamedTuple

from apoyo_verification.roll.rows import RollRow, typed


class RollBatch(NamedTuple):
    data: bytes  # UTF-8, one line per row, each ending in a newline
    rows: int


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
    lines = [csv_line(r) + "\n" for r in rows]
    return RollBatch("".join(lines).encode(), len(lines))


def rows_of(batch: RollBatch) -> list[RollRow]:
    return [typed(values) for values in csv.reader(io.StringIO(batch.data.decode()))]
