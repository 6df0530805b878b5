"""Reading a voter-roll file row by row, plain or gzip, without holding it in memory."""

import csv
import gzip
import io
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO, TextIO, cast

GZIP_MAGIC = b"\x1f\x8b"


class RollFile:
    """The rows of an open roll file with their line numbers, and how far it has been read."""

    def __init__(self, raw: BinaryIO, text: TextIO, size: int) -> None:
        self._raw, self._reader, self.size = raw, csv.reader(text), size

    def position(self) -> int:
        """Bytes of the file (compressed, for gzip) read so far, for a progress bar."""
        return self._raw.tell()

    def header(self) -> list[str]:
        return next(self._reader, [])

    def rows(self) -> Iterator[tuple[int, list[str] | None]]:
        """(line where the row starts, fields); fields None when the CSV itself is broken."""
        reader = self._reader
        while True:
            start = reader.line_num + 1
            try:
                fields = next(reader)
            except StopIteration:
                return
            except csv.Error:
                yield start, None
                continue
            if fields:  # blank lines, e.g. a trailing one, are not rows
                yield start, fields


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
