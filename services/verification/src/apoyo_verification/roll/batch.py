"""Valid rows travel to a roll as CSV text in UTF-8: the form PostgreSQL's COPY takes as is.

The text is in COLUMNS order without a header; an empty `curp` or `causa_baja` means none.
A valid row is always one line of 18 fields with 17 commas and nothing quoted (no valid
value holds a comma, a quote or a newline), so each field of every line of a batch is found
from its commas at once: the batch counts its rows' LN per cell on the way.
"""

import csv
import io
from collections.abc import Iterable
from typing import NamedTuple

import numpy as np

from apoyo_verification.roll.rows import COLUMNS, RollRow, typed

_COMMA, _LN = ord(","), ord("L")  # LN is the only situation that begins with an L
# The digits of "EE,DF,DL,MMM,SSSS" (entidad to sección, fixed widths) after a line's tenth
# comma, read as one 13-digit number per line.
_DIGITS = np.array([0, 1, 3, 4, 6, 7, 9, 10, 11, 13, 14, 15, 16])
_POWERS = 10 ** np.arange(12, -1, -1, dtype=np.int64)


class RollBatch(NamedTuple):
    data: bytes  # UTF-8, one line per row, each ending in a newline
    rows: int
    cells: dict[str, int]  # LN records by cell key (geography.cell_key), every cell present


def commas_of(chars: np.ndarray) -> np.ndarray:
    """Where the commas of each valid line are: one row of 17 per line."""
    return np.flatnonzero(chars == _COMMA).reshape(-1, len(COLUMNS) - 1)


def _cell_key(number: int) -> str:
    d = f"{number:013d}"
    return f"{d[:2]}-{d[2:4]}-{d[4:6]}-{d[6:9]}-{d[9:]}"


def cells_of(chars: np.ndarray, commas: np.ndarray) -> dict[str, int]:
    """LN records per cell of valid lines (`chars`, their bytes; `commas`, `commas_of`)."""
    places = chars[(commas[:, 9] + 1)[:, None] + _DIGITS].astype(np.int64) - ord("0")
    ln = chars[commas[:, 15] + 1] == _LN
    numbers, which = np.unique(places @ _POWERS, return_inverse=True)
    counts = np.bincount(which.ravel(), weights=ln, minlength=len(numbers))
    return {_cell_key(k): int(n) for k, n in zip(numbers.tolist(), counts.tolist(), strict=True)}


def batch_from(data: bytes) -> RollBatch:
    """The batch of `data`, valid lines only (as the loader and `batch_of` write them)."""
    chars = np.frombuffer(data, dtype=np.uint8)
    commas = commas_of(chars)
    return RollBatch(data, len(commas), cells_of(chars, commas))


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
