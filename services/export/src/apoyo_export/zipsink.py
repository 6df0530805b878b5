"""A zip written as a stream: each entry goes out as it is added, and only the central
directory (also kept in a temporary file, not in memory) waits for the end.

The standard library's writer keeps a `ZipInfo` per entry until it closes: about 400 bytes
each, 200 MB for a package of 100,000 supports with their images. This writer keeps none.
ZIP64 end records are written when the entries or offsets pass the classic limits; a single
entry must stay under 4 GiB.
"""

import hashlib
import struct
import tempfile
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

_LIMIT = 0xFFFFFFFF
_UTF8 = 1 << 11
_VERSION = 45  # 4.5: ZIP64


class Sink(Protocol):
    """Where the zip goes: only written to, never sought (a pipe or an upload would do)."""

    def write(self, data: bytes | bytearray, /) -> int: ...


@dataclass(frozen=True)
class Written:
    path: str
    sha256: str
    bytes: int


def dos_time(moment: datetime) -> tuple[int, int]:
    time = (moment.hour << 11) | (moment.minute << 5) | (moment.second // 2)
    date = ((max(moment.year, 1980) - 1980) << 9) | (moment.month << 5) | moment.day
    return time, date


class ZipSink:
    def __init__(self, out: Sink, moment: datetime) -> None:
        self.out, self.offset, self.entries = out, 0, 0
        self.time, self.date = dos_time(moment)
        self.directory = tempfile.TemporaryFile()  # noqa: SIM115 (closed by close())

    def add(self, path: str, data: bytes | bytearray, compress: bool = False) -> Written:
        return self.add_chunks(path, [data], compress)

    def add_chunks(self, path: str, chunks: Iterable[bytes | bytearray], compress: bool) -> Written:
        """The entry's local header, then its data (bit 3: sizes follow in a descriptor)."""
        name, start, method = path.encode(), self.offset, 8 if compress else 0
        self._write(self._local_header(name, method))
        crc, size, packed, digest = 0, 0, 0, hashlib.sha256()
        squeezer = zlib.compressobj(6, zlib.DEFLATED, -15) if compress else None
        for chunk in chunks:
            crc, size = zlib.crc32(chunk, crc), size + len(chunk)
            digest.update(chunk)
            out = squeezer.compress(chunk) if squeezer else chunk
            packed += len(out)
            self._write(out)
        if squeezer:
            tail = squeezer.flush()
            packed += len(tail)
            self._write(tail)
        if max(size, packed) >= _LIMIT:
            raise ValueError(f"{path}: one entry must stay under 4 GiB")
        self._write(struct.pack("<IIII", 0x08074B50, crc, packed, size))
        self._central(name, method, crc, packed, size, start)
        return Written(path, digest.hexdigest(), size)

    def _local_header(self, name: bytes, method: int) -> bytes:
        flags = _UTF8 | (1 << 3)
        return struct.pack(
            "<IHHHHHIIIHH", 0x04034B50, 20, flags, method, self.time, self.date,
            0, 0, 0, len(name), 0,
        ) + name  # fmt: skip

    def _central(self, name: bytes, method: int, crc: int, packed: int, size: int, at: int) -> None:
        extra = b"" if at < _LIMIT else struct.pack("<HHQ", 1, 8, at)
        record = struct.pack(
            "<IHHHHHHIIIHHHHHII", 0x02014B50, (3 << 8) | _VERSION, _VERSION if extra else 20,
            _UTF8 | (1 << 3), method, self.time, self.date, crc, packed, size, len(name),
            len(extra), 0, 0, 0, 0o644 << 16, min(at, _LIMIT),
        )  # fmt: skip
        self.directory.write(record + name + extra)
        self.entries += 1

    def _write(self, data: bytes | bytearray) -> None:
        self.out.write(data)
        self.offset += len(data)

    def close(self) -> None:
        """The central directory, copied from its temporary file, then the end records."""
        start = self.offset
        self.directory.seek(0)
        while chunk := self.directory.read(1 << 20):
            self._write(chunk)
        self.directory.close()
        size = self.offset - start
        if self.entries >= 0xFFFF or start >= _LIMIT or size >= _LIMIT:
            self._zip64_end(start, size)
        self._write(
            struct.pack(
                "<IHHHHIIH", 0x06054B50, 0, 0, min(self.entries, 0xFFFF),
                min(self.entries, 0xFFFF), min(size, _LIMIT), min(start, _LIMIT), 0,
            )
        )  # fmt: skip

    def _zip64_end(self, start: int, size: int) -> None:
        at = self.offset
        self._write(
            struct.pack(
                "<IQHHIIQQQQ", 0x06064B50, 44, _VERSION, _VERSION, 0, 0,
                self.entries, self.entries, size, start,
            )
        )  # fmt: skip
        self._write(struct.pack("<IIQI", 0x07064B50, 0, at, 1))
