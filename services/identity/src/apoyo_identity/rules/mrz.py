"""ICAO 9303 TD1 as INE prints it on the back of the credential (domain.md, "MRZ").

    line 1  IDMEX + CIC (9) + check + "<<" + OCR (13 digits)
    line 2  birth YYMMDD + check, sex, expiry YYMMDD + check, MEX, 11 optional, composite
    line 3  SURNAME<SURNAME<<GIVEN<NAMES padded with "<"

A read whose check digits fail is not a read: `parse_td1` returns None unless all pass.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from itertools import cycle
from operator import mul

CHARSET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ<"
LINE = 30
_WEIGHTS = (7, 3, 1)


DIGITS = frozenset("0123456789")


def _digits(text: str) -> bool:
    """ASCII digits only: str.isdigit() also accepts Arabic-Indic and other digits."""
    return bool(text) and DIGITS.issuperset(text)


def char_value(char: str) -> int:
    if char in DIGITS:
        return int(char)
    if "A" <= char <= "Z":
        return ord(char) - ord("A") + 10
    if char == "<":
        return 0
    raise ValueError(f"not an MRZ character: {char!r}")


_CHARSET_SET = frozenset(CHARSET)
# Each character's value looked up: the reader checks some 300 characters a photo.
_VALUES = {c: char_value(c) for c in CHARSET}


def check_digit(text: str) -> str:
    try:
        total = sum(map(mul, map(_VALUES.__getitem__, text), cycle(_WEIGHTS)))
    except KeyError:
        for c in text:
            char_value(c)  # raises ValueError, naming the first character that is not MRZ's
        raise
    return str(total % 10)


def composite_source(line1: str, line2: str) -> str:
    return line1[5:30] + line2[0:7] + line2[8:15] + line2[18:29]


@dataclass(frozen=True)
class MrzRead:
    lines: tuple[str, str, str]
    cic: str
    ocr: str
    birth_date: date
    sex: str
    expiry: date
    nationality: str
    optional: str
    surnames: tuple[str, ...]
    given_names: tuple[str, ...]

    @property
    def seccion(self) -> str:
        return self.ocr[:4]

    @property
    def identificador(self) -> str:
        return self.ocr[4:]


def failed_checks(lines: Sequence[str]) -> list[str]:
    """The names of the checks a candidate fails; empty means a valid read."""
    if len(lines) != 3 or any(len(line) != LINE for line in lines):
        return ["shape"]
    if not all(_CHARSET_SET.issuperset(line) for line in lines):
        return ["charset"]
    line1, line2, _ = lines
    checks = {
        "cic": (line1[5:14], line1[14]),
        "birth_date": (line2[0:6], line2[6]),
        "expiry": (line2[8:14], line2[14]),
        "composite": (composite_source(line1, line2), line2[29]),
    }
    failed = [name for name, (field, digit) in checks.items() if check_digit(field) != digit]
    return failed + _layout_problems(line1, line2)


def _layout_problems(line1: str, line2: str) -> list[str]:
    problems = []
    if line1[:5] != "IDMEX" or line1[15:17] != "<<" or not _digits(line1[17:30]):
        problems.append("line1_layout")
    if not _digits(line1[5:14]):
        problems.append("cic_digits")
    if line2[7] not in "HMX" or line2[15:18] != "MEX":
        problems.append("line2_layout")
    if _date(line2[0:6], birth=True) is None or _date(line2[8:14], birth=False) is None:
        problems.append("dates")
    return problems


def _date(yymmdd: str, *, birth: bool) -> date | None:
    if not _digits(yymmdd):
        return None
    yy, mm, dd = int(yymmdd[:2]), int(yymmdd[2:4]), int(yymmdd[4:])
    pivot = date.today().year % 100
    century = 1900 if birth and yy > pivot else 2000
    try:
        return date(century + yy, mm, dd)
    except ValueError:
        return None


def _names(line3: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    surnames, _, given = line3.rstrip("<").partition("<<")
    return (tuple(p for p in surnames.split("<") if p), tuple(p for p in given.split("<") if p))


def parse_td1(lines: Sequence[str]) -> MrzRead | None:
    if failed_checks(lines):
        return None
    line1, line2, line3 = lines
    birth, expiry = _date(line2[0:6], birth=True), _date(line2[8:14], birth=False)
    assert birth is not None and expiry is not None
    surnames, given = _names(line3)
    return MrzRead(
        lines=(line1, line2, line3),
        cic=line1[5:14],
        ocr=line1[17:30],
        birth_date=birth,
        sex=line2[7],
        expiry=expiry,
        nationality=line2[15:18],
        optional=line2[18:29],
        surnames=surnames,
        given_names=given,
    )
