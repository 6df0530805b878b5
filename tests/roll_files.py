"""Synthetic voter-roll rows and files for the voter-roll tests."""

import gzip
from datetime import date
from pathlib import Path

from apoyo.synthetic.people import Citizen, make_citizens
from apoyo.synthetic.roll import roll_csv, roll_row

CUT = date(2026, 8, 31)


def people(count: int, seed: int = 11) -> list[Citizen]:
    return make_citizens(count, seed)


def fields(person: Citizen, **changes: str) -> list[str]:
    row = roll_row(person) | changes
    return list(row.values())


def write_roll(path: Path, persons: list[Citizen], compress: bool = False) -> Path:
    text = roll_csv(persons).encode()
    path.write_bytes(gzip.compress(text) if compress else text)
    return path
