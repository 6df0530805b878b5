"""Loading a voter-roll file as a cut: validate each row while streaming it into the roll.

All or nothing by default: every bad row is reported, and if there was any the load is
abandoned before the swap (the rows already streamed are rolled back with it). With
`skip_invalid` the bad rows are only reported and the rest becomes the cut.
"""

from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from apoyo_verification.ports import VoterRoll
from apoyo_verification.roll.batch import RollBatch, batch_from, csv_line
from apoyo_verification.roll.fast import plain_block, plain_line
from apoyo_verification.roll.rows import COLUMNS, RollRow, RowError, column_positions, validate
from apoyo_verification.roll.source import Lines, RollFile, Row, open_roll

BATCH_ROWS = 10_000  # rows checked one by one that are sent together
# A reject: the line, its problems, and the row's fields: in COLUMNS order when there are as
# many as columns, else as read; None when the CSV itself could not be read.
Reject = Callable[[int, list[RowError], Sequence[str] | None], None]
Progress = Callable[[int, int], None]  # (bytes read so far, rows read so far)


class InvalidRoll(Exception):
    """The file cannot become a cut; nothing was loaded."""

    def __init__(self, rejected: int, reason: str) -> None:
        super().__init__(reason)
        self.rejected = rejected


@dataclass(frozen=True)
class LoadReport:
    cut: date
    loaded: int
    rejected: int


@dataclass
class _Counts:
    rows: int = 0
    rejected: int = 0


def _ignore_progress(done: int, rows: int) -> None:
    pass


class _Loader:
    def __init__(self, cut: date, skip_invalid: bool, reject: Reject, progress: Progress):
        self.cut, self.skip_invalid = cut, skip_invalid
        self.reject, self.progress = reject, progress
        self.counts = _Counts()
        self.positions: list[int] = []
        self.in_order = False

    def read_header(self, roll_file: RollFile) -> None:
        self.positions, errors = column_positions(roll_file.header())
        self.in_order = self.positions == list(range(len(COLUMNS)))
        if errors:
            self.reject(1, errors, None)
            raise InvalidRoll(1, "el encabezado no es el del formato; no se cargó nada")

    def ordered(self, fields: list[str] | None) -> list[str] | None:
        """The fields in COLUMNS order, or None when the row does not fit the header."""
        if fields is None or len(fields) != len(self.positions):
            return None
        return fields if self.in_order else [fields[i] for i in self.positions]

    def checked(self, line: int, fields: list[str] | None) -> str | None:
        """The row as a CSV line for the roll, or None once reported as rejected."""
        ordered = self.ordered(fields)
        if ordered is not None:
            joined = ",".join(ordered)
            if plain_line(joined, self.cut):
                return joined
            found = validate(ordered, line, self.cut)
            if isinstance(found, RollRow):
                return csv_line(found)
        elif fields is None:
            found = [RowError(line, "", "CSV mal formado")]
        else:
            found = [RowError(line, "", f"tiene {len(fields)} campos y no {len(COLUMNS)}")]
        self.counts.rejected += 1
        self.reject(line, found, ordered or fields)
        return None

    def one_by_one(self, block: Lines | Row) -> tuple[list[str], int]:
        """The valid rows of a block that is not plain throughout (or of one parsed row), as
        lines, and how many rows it had."""
        if isinstance(block, Row):
            checked = self.checked(*block)
            return ([checked + "\n"] if checked is not None else []), 1
        kept, rows = [], 0
        for line, text in enumerate(block.text.split("\n")[:-1], block.start):
            if not text:  # blank lines, e.g. a trailing one, are not rows
                continue
            rows += 1
            plain = self.in_order and plain_line(text, self.cut)
            checked = text if plain else self.checked(line, text.split(","))
            if checked is not None:
                kept.append(checked + "\n")
        return kept, rows

    def plain(self, block: Lines | Row) -> RollBatch | None:
        if isinstance(block, Row) or not self.in_order:
            return None
        return plain_block(block.text, self.cut)

    @property
    def sending(self) -> bool:
        # All or nothing: after the first bad row, nothing more is worth sending.
        return self.skip_invalid or not self.counts.rejected

    async def batches(self, roll_file: RollFile) -> AsyncIterator[RollBatch]:
        self.read_header(roll_file)
        checked: list[str] = []  # lines checked one by one, not sent yet
        sent = 0  # rows read up to the last batch
        for block in roll_file.blocks():
            plain = self.plain(block)
            if plain is None:
                lines, rows = self.one_by_one(block)
                checked += lines if self.sending else []
            else:
                rows = plain.rows
            self.counts.rows += rows
            if isinstance(block, Lines) or self.counts.rows - sent >= BATCH_ROWS:
                if checked:
                    yield batch_from("".join(checked).encode())
                if plain is not None and self.sending:
                    yield plain
                checked, sent = [], self.counts.rows
                self.progress(roll_file.position(), self.counts.rows)
        self.progress(roll_file.size, self.counts.rows)
        self.verdict()
        yield batch_from("".join(checked).encode())

    def verdict(self) -> None:
        """Raised inside the stream, so the roll abandons the load before its swap."""
        rejected = self.counts.rejected
        if rejected and not self.skip_invalid:
            raise InvalidRoll(rejected, f"{rejected} filas con errores; no se cargó nada")
        if self.counts.rows == rejected:
            raise InvalidRoll(rejected, "el archivo no tiene ninguna fila válida; no se cargó nada")


async def load_roll(
    roll: VoterRoll,
    path: Path,
    cut: date,
    reject: Reject,
    skip_invalid: bool = False,
    progress: Progress = _ignore_progress,
) -> LoadReport:
    loader = _Loader(cut, skip_invalid, reject, progress)
    with open_roll(path) as roll_file:
        loaded = await roll.load(cut, loader.batches(roll_file))
    return LoadReport(cut, loaded, loader.counts.rejected)
