"""Naming what happened to the records of a table, from each line's `seq` and whether its
content holds (its chain, or its agreement with the signed records).

Of the lines that claim one place, the first whose content holds is the record; any other is
inserted, as is a line whose place is outside 1..n. A place no line holds was removed. The
records whose places do not rise with the lines (outside a longest rising run) were
reordered; a record whose content does not hold was altered.
"""

import bisect
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Line:
    number: int  # in the file, as an editor counts
    seq: int | None  # None: the line cannot be read as a record
    holds: bool | None  # None: cannot be told (its predecessor is missing)


def _owners(lines: Sequence[Line], total: int) -> tuple[dict[int, Line], list[Line]]:
    owners: dict[int, Line] = {}
    for line in sorted(lines, key=lambda line: (line.holds is False, line.number)):
        if line.seq is None or not 1 <= line.seq <= total or line.seq in owners:
            continue
        owners[line.seq] = line
    kept = {id(line) for line in owners.values()}
    return owners, [line for line in lines if id(line) not in kept and line.seq is not None]


def _out_of_order(records: Sequence[Line]) -> set[int]:
    """Line numbers outside one longest run of rising places (patience sorting)."""
    tails: list[int] = []
    tail_at: list[int] = []
    previous: list[int] = [-1] * len(records)
    for i, line in enumerate(records):
        place = bisect.bisect_left(tails, line.seq or 0)
        if place == len(tails):
            tails.append(line.seq or 0)
            tail_at.append(i)
        else:
            tails[place], tail_at[place] = line.seq or 0, i
        previous[i] = tail_at[place - 1] if place else -1
    rising, i = set(), tail_at[-1] if tail_at else -1
    while i >= 0:
        rising.add(i)
        i = previous[i]
    return {line.number for i, line in enumerate(records) if i not in rising}


def problems(lines: Sequence[Line], total: int, table: str) -> list[tuple[int, str]]:
    """(sort key, problem) pairs, so a caller can merge several tables' findings in order."""
    owners, inserted = _owners(lines, total)
    found = [(line.number, f"registro ilegible: {table} línea {line.number}")
             for line in lines if line.seq is None]  # fmt: skip
    found += [
        (line.number, f"registro insertado: {table} línea {line.number}") for line in inserted
    ]
    found += [
        (0, f"registro eliminado: {table} número {seq}")
        for seq in range(1, total + 1)
        if seq not in owners
    ]
    records = sorted(owners.values(), key=lambda line: line.number)
    found += [
        (n, f"registro fuera de orden: {table} línea {n}") for n in sorted(_out_of_order(records))
    ]
    found += [
        (line.number, f"registro alterado: {table} línea {line.number}")
        for line in records
        if line.holds is False
    ]
    return sorted(found)
