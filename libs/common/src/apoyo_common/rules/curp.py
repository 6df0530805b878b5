"""CURP: 18 characters with a check digit (domain.md, "The voter credential")."""

import re
from datetime import date
from operator import mul

# What each character weighs in the check digit.
VALUES = {c: i for i, c in enumerate("0123456789ABCDEFGHIJKLMNÑOPQRSTUVWXYZ")}
STATES = frozenset(
    [
        "AS",
        "BC",
        "BS",
        "CC",
        "CL",
        "CM",
        "CS",
        "CH",
        "DF",
        "DG",
        "GT",
        "GR",
        "HG",
        "JC",
        "MC",
        "MN",
        "MS",
        "NT",
        "NL",
        "OC",
        "PL",
        "QT",
        "QR",
        "SP",
        "SL",
        "SR",
        "TC",
        "TS",
        "TL",
        "VZ",
        "YN",
        "ZS",
        "NE",
    ]
)
_FORMAT = re.compile(
    r"^[A-ZÑ][AEIOUX][A-ZÑ]{2}[0-9]{6}[HMX][A-Z]{2}[B-DF-HJ-NP-TV-ZÑ]{3}[0-9A-Z][0-9]$"
)


_WEIGHTS = tuple(range(18, 1, -1))


def check_digit(first17: str) -> str:
    # map() rather than a generator: a voter roll checks millions of these.
    total = sum(map(mul, map(VALUES.__getitem__, first17), _WEIGHTS))
    return str((10 - total % 10) % 10)


def birth_date(curp: str) -> date | None:
    """The birth date, the differentiator telling the century (digit: 1900s, letter: 2000s)."""
    century = 1900 if curp[16] in "0123456789" else 2000
    try:
        return date(century + int(curp[4:6]), int(curp[6:8]), int(curp[8:10]))
    except ValueError:
        return None


def problems(curp: str) -> list[str]:
    """What is wrong with a CURP; empty when it is well formed and its check digit holds."""
    curp = curp.strip().upper()
    if not _FORMAT.match(curp):
        return ["format"]
    found = []
    if curp[11:13] not in STATES:
        found.append("state")
    if birth_date(curp) is None:
        found.append("birth_date")
    if check_digit(curp[:17]) != curp[17]:
        found.append("check_digit")
    return found


def is_valid(curp: str) -> bool:
    return not problems(curp)
