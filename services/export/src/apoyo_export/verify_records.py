"""The record checks of `apoyo export verify`: supports.jsonl against its own chain, then
supports.csv row by row against the records it repeats."""

import csv
import hashlib
import io
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import IO, Any

from apoyo_export.manifest import SUPPORTS_CSV, SUPPORTS_JSONL
from apoyo_export.records import GENESIS, record_sha256
from apoyo_export.sequence import Line, problems
from apoyo_export.tables import SUPPORTS_HEADER, UNPLACED_HEADER, csv_line, supports_row


@dataclass(frozen=True)
class Entry:
    number: int
    seq: int | None
    chain: str = ""
    record_sha256: str = ""
    row_sha256: str = ""  # the supports.csv row this record should have


def link(previous: str, record_hash: str) -> str:
    return hashlib.sha256((previous + record_hash).encode()).hexdigest()


def text_lines(handle: IO[bytes]) -> Iterable[tuple[int, str]]:
    for number, raw in enumerate(io.TextIOWrapper(handle, encoding="utf-8"), start=1):
        yield number, raw.rstrip("\n")


def entry(number: int, text: str) -> Entry:
    try:
        record: Any = json.loads(text)
        seq, chain = record["seq"], record["chain"]
        if not isinstance(seq, int) or isinstance(seq, bool) or not isinstance(chain, str):
            raise TypeError("seq and chain")
        row = hashlib.sha256(csv_line(supports_row(record)).encode()).hexdigest()
        return Entry(number, seq, chain, record_sha256(record), row)
    except (ValueError, TypeError, KeyError, AttributeError, IndexError):
        return Entry(number, None)


def holds(item: Entry, chains: dict[int, list[str]]) -> bool | None:
    """Does the record make its own chain from its predecessor's? None: no predecessor."""
    seq = item.seq or 0
    before = [GENESIS] if seq == 1 else chains.get(seq - 1)
    if not before:
        return None
    return any(link(previous, item.record_sha256) == item.chain for previous in before)


@dataclass
class Records:
    """The outcome of reading supports.jsonl: its problems and the genuine records' rows."""

    found: list[tuple[int, str]]
    rows: dict[int, str]  # seq -> sha256 of the supports.csv row it should have
    chain_head: str | None  # the last genuine chain, None when records are missing


def check_jsonl(handle: IO[bytes], total: int) -> Records:
    entries = [entry(n, text) for n, text in text_lines(handle)]
    chains: dict[int, list[str]] = {}
    for item in entries:
        if item.seq is not None:
            chains.setdefault(item.seq, []).append(item.chain)
    lines = [Line(e.number, e.seq, holds(e, chains)) for e in entries]
    found = problems(lines, total, SUPPORTS_JSONL)
    genuine = {line.seq: e for line, e in zip(lines, entries, strict=True) if line.holds}
    rows = {seq: e.row_sha256 for seq, e in genuine.items() if seq is not None}
    head = genuine[total].chain if total in genuine and not found else None
    return Records(found, rows, GENESIS if total == 0 and not found else head)


def check_csv(handle: IO[bytes], total: int, rows: dict[int, str]) -> list[tuple[int, str]]:
    reader = csv.reader(io.TextIOWrapper(handle, encoding="utf-8", newline=""))
    header = next(reader, None)
    known = header in (list(SUPPORTS_HEADER), list(UNPLACED_HEADER))
    found = [] if known else [(1, f"encabezado alterado: {SUPPORTS_CSV}")]
    lines = []
    for row in reader:
        seq = int(row[0]) if row and row[0].isdigit() else None
        expected = rows.get(seq or 0)
        digest = hashlib.sha256(csv_line(row).encode()).hexdigest()
        holds_ = None if expected is None else digest == expected
        lines.append(Line(reader.line_num, seq, holds_))
    return found + problems(lines, total, SUPPORTS_CSV)


def loads_manifest(data: bytes) -> dict[str, Any]:
    value = json.loads(data.decode("utf-8"))
    if not isinstance(value, dict):
        raise ValueError("manifest")
    return value
