"""Reading a voter-roll file block by block, plain or gzip, without holding it in memory.

The file comes in blocks of whole lines. A block with no quote, carriage return or NUL is
handed over as it is (`Lines`): each of its lines is one row whose fields are the line split
at its commas, which is what the csv module would make of it. Any other block is parsed by
the csv module row by row (`Row`), continuing into the file when a quoted field runs past
the block's end, so that a quoted name spanning lines is still one row.
"""

import csv
import gzip
import io
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO, NamedTuple, TextIO, cast

GZIP_MAGIC = b"\x1f\x8b"
BLOCK_CHARS = 1 << 20  # and up to the end of a line: about 7,000 rows of a real roll


class Lines(NamedTuple):
    """Whole lines without quotes or carriage returns; `text` ends with a newline."""

    start: int  # the line number of the first
    text: str


class Row(NamedTuple):
    """A row the csv module parsed, with the line it starts on."""

    line: int
    fields: list[str] | None  # None when the CSV itself is broken


class _Continued:
    """A block's lines, then the file's: the csv module reaches the file's only to finish a
    row begun in the block (a quoted field running past the block's last line)."""

    def __init__(self, lines: list[str], rest: TextIO) -> None:
        self._lines, self._left, self._rest = iter(lines), len(lines), rest

    def __iter__(self) -> "_Continued":
        return self

    def __next__(self) -> str:
        if self._left:
            self._left -= 1
            return next(self._lines)
        return next(self._rest)

    @property
    def done(self) -> bool:
        return not self._left


class RollFile:
    """The rows of an open roll file with their line numbers, and how far it has been read."""

    def __init__(self, raw: BinaryIO, text: TextIO, size: int) -> None:
        self._raw, self._text, self.size = raw, text, size
        self._line = 1  # the number of the next line to read

    def position(self) -> int:
        """Bytes of the file (compressed, for gzip) read so far, for a progress bar."""
        return self._raw.tell()

    def header(self) -> list[str]:
        reader = csv.reader(self._text)
        header = next(reader, [])
        self._line += reader.line_num
        return header

    def blocks(self) -> Iterator[Lines | Row]:
        """The rest of the file, in order: runs of plain lines and rows parsed one by one."""
        while text := self._text.read(BLOCK_CHARS):
            text += self._text.readline()  # up to the end of the line the block stopped in
            if '"' in text or "\r" in text or "\0" in text:
                yield from self._parsed(io.StringIO(text, newline="").readlines())
                continue
            if not text.endswith("\n"):  # the last line of a file without a final newline
                text += "\n"
            yield Lines(self._line, text)
            self._line += text.count("\n")

    def rows(self) -> Iterator[Row]:
        """Every row, one by one (the plain runs split at their commas)."""
        for block in self.blocks():
            if isinstance(block, Row):
                yield block
                continue
            for number, line in enumerate(block.text.split("\n")[:-1], block.start):
                if line:  # blank lines, e.g. a trailing one, are not rows
                    yield Row(number, line.split(","))

    def _parsed(self, lines: list[str]) -> Iterator[Row]:
        source = _Continued(lines, self._text)
        reader, first = csv.reader(source), self._line
        while not source.done:
            start = first + reader.line_num
            try:
                fields: list[str] | None = next(reader)
            except StopIteration:
                break
            except csv.Error:
                fields = None
            if fields != []:
                yield Row(start, fields)
        self._line = first + reader.line_num


def is_gzip(path: Path) -> bool:
    with path.open("rb") as raw:
        return raw.read(2) == GZIP_MAGIC


@contextmanager
def open_roll(path: Path) -> Iterator[RollFile]:
    """Gzip is told by its magic bytes, not the name. Bad UTF-8 becomes U+FFFD, so that the
    row holding it is reported by line like any other bad row instead of stopping the read."""
    size = path.stat().st_size
    with path.open("rb") as raw:
        stream = cast(BinaryIO, gzip.GzipFile(fileobj=raw)) if is_gzip(path) else raw
        text = io.TextIOWrapper(stream, encoding="utf-8-sig", errors="replace", newline="")
        try:
            yield RollFile(raw, text, size)
        finally:
            text.close()
