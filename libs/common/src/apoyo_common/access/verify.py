"""Checking one service's chain of entries: every problem named on its own line.

Lines are taken in seq order (a line out of its place is reported as such); then each entry
must make its own chain from its predecessor's. A seq that no line holds was removed; a seq
held twice was copied; an entry whose chain does not follow was altered (or its predecessor
was). Removing the last entries leaves a shorter chain that still holds: only a signed head
(the export's manifest) tells, so `expected` gives the count and head to compare with.
"""

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

from apoyo_common.access.entries import GENESIS, Entry, link


@dataclass(frozen=True)
class Head:
    entries: int
    chain: str


def _placement(log: str, entries: Sequence[Entry]) -> list[str]:
    found = []
    for before, entry in itertools.pairwise(entries):
        if entry.seq <= before.seq:
            found.append(f"entrada fuera de orden: {log} número {entry.seq}")
    return found


def _links(log: str, ordered: Sequence[Entry]) -> list[str]:
    found, expected_seq, previous = [], 1, GENESIS
    for entry in ordered:
        if entry.seq < expected_seq:
            found.append(f"entrada repetida: {log} número {entry.seq}")
            continue
        if entry.seq > expected_seq:  # its predecessor is gone: its own link cannot be told
            span = f"{expected_seq}" + (f"-{entry.seq - 1}" if entry.seq - 1 > expected_seq else "")
            found.append(f"entrada eliminada: {log} número {span}")
        elif link(previous, entry.body()) != entry.chain:
            found.append(f"entrada alterada: {log} número {entry.seq}")
        expected_seq, previous = entry.seq + 1, entry.chain
    return found


def chain_problems(log: str, entries: Sequence[Entry], expected: Head | None = None) -> list[str]:
    """`entries` in the order they were stored or written."""
    ordered = sorted(entries, key=lambda e: e.seq)
    found = _placement(log, entries) + _links(log, ordered)
    if expected is not None:
        head = Head(ordered[-1].seq, ordered[-1].chain) if ordered else Head(0, GENESIS)
        if head != expected:
            found.append(
                f"cadena no coincide: {log} termina en {head.entries} ({head.chain[:16]}), "
                f"se esperaba {expected.entries} ({expected.chain[:16]})"
            )
    return found


def head_of(entries: Sequence[Entry]) -> Head:
    last = max(entries, key=lambda e: e.seq, default=None)
    return Head(0, GENESIS) if last is None else Head(last.seq, last.chain)
