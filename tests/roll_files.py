"""Synthetic voter-roll rows and files for the voter-roll tests."""

import gzip
from datetime import date
from pathlib import Path

from apoyo.synthetic.people import Citizen, make_citizens
from apoyo.synthetic.roll import roll_csv, roll_row

CUT = date(2026, 8, 31)


def people(count: int, seed: int = 11) -> list[Citizen]:
    """Citizens born before 2000: make_citizens gives later births a CURP whose
    differentiator is a digit, which reads as the 1900s (so 2000-02-29 has no valid CURP)."""
    found = [p for p in make_citizens(count * 2, seed) if p.fecha_nacimiento.year < 2000]
    return found[:count]


def fields(person: Citizen, **changes: str) -> list[str]:
    row = roll_row(person) | changes
    return list(row.values())


def write_roll(path: Path, persons: list[Citizen], compress: bool = False) -> Path:
    text = roll_csv(persons).encode()
    path.write_bytes(gzip.compress(text) if compress else text)
    return path
