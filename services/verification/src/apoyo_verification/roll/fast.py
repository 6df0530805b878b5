"""The fast path for plain rows: a block of lines checked at once, passed on as its own text.

A state's roll is millions of rows, and checking each column in Python costs several times
the COPY itself. Nearly every row of a real file is plain: columns in order, nothing quoted,
upper-case claves, names in upper case. A block of such lines is checked by one compiled
pattern run over the whole block, which holds the calendar and the cut too (a birth in an
earlier year than the cut's), then by the one rule a pattern cannot hold, the CURP check
digit, for the whole block at once (one vectorised product: in a plain line the CURP is
always at the same place). The block then goes to the roll as the very text it came as.
Anything else goes line by line, and a line that is not plain goes to `rows.validate`,
which is the rule: the fast path may only accept what `validate` accepts (property tests
hold it to that) and never explains a rejection.
"""

import functools
import re
from datetime import date

import numpy as np

from apoyo_common.codes import CausaBaja
from apoyo_common.rules import curp
from apoyo_verification.roll.batch import RollBatch, cells_of, commas_of
from apoyo_verification.roll.rows import NAME_MAX

_LETTER = "A-ZÑÁÉÍÓÚÜ"  # precomposed only: a plain name is already in NFC
# The rule of rows.name (letter runs joined by separators, maybe a final period, at most
# NAME_MAX) said the way the engine runs fastest: a letter, then letters and separators
# taken without backtracking, ending in a letter or in a letter and a period.
_NAME = f"[{_LETTER}][{_LETTER}' .\\-]{{0,{NAME_MAX - 1}}}+(?:(?<=[{_LETTER}])|(?<=[{_LETTER}]\\.))"
_LEAP_YY = "(?:0[48]|[2468][048]|[13579][26])"  # the years but 00 of a leap century
_LEAP_CENTURY = "(?:[02468][048]|[13579][26])00"


def _month_day(dash: str) -> str:
    """Month and day of an existing date, 29 February aside (it needs a leap year)."""
    return (
        f"(?:(?:0[1-9]|1[0-2]){dash}(?:0[1-9]|1[0-9]|2[0-8])|(?:0[13-9]|1[0-2]){dash}(?:29|30)"
        f"|(?:0[13578]|1[02]){dash}31)"
    )


def _years_before(year: int) -> str:
    """The years 0001 to `year` - 1, four digits each."""
    digits = f"{year:04d}"
    below = [
        f"{digits[:i]}[0-{int(d) - 1}]" + "[0-9]" * (3 - i)
        for i, d in enumerate(digits)
        if d != "0"
    ]
    return f"(?!0000)(?:{'|'.join(below)})"


def _iso_date_before(year: int) -> str:
    """An existing date YYYY-MM-DD in a year before `year`. A birth in the cut's own year
    is left to `validate` (a newborn is on no roll anyway): the cut then needs no group."""
    before = _years_before(year)
    leap = f"(?=(?:{before})-)(?:[0-9]{{2}}{_LEAP_YY}|{_LEAP_CENTURY})-02-29"
    return f"(?:(?:{before})-{_month_day('-')}|{leap})"


# In a CURP, the differentiator (a letter for the 2000s) tells whether 00 was 1900 or 2000.
_YYMMDD = f"(?:[0-9]{{2}}{_month_day('')}|{_LEAP_YY}0229|000229(?=[^,]{{6}}[A-Z]))"
# A trie of curp.STATES: the engine tries alternatives in turn, so share their first letter.
_STATES = "|".join(
    f"{first}[{''.join(sorted(s[1] for s in curp.STATES if s[0] == first))}]"
    for first in sorted({s[0] for s in curp.STATES})
)
_CURP = f"[A-ZÑ][AEIOUX][A-ZÑ]{{2}}{_YYMMDD}[HMX](?:{_STATES})[B-DF-HJ-NP-TV-ZÑ]{{3}}[0-9A-Z][0-9]"
_ENTIDAD = "(?:0[1-9]|[12][0-9]|3[0-2])"


@functools.cache
def line_pattern(cut_year: int) -> re.Pattern[str]:
    """One plain line of a roll cut in `cut_year` (MULTILINE: each match is a whole line)."""
    fields = (
        "[0-9]{9}",  # cic
        "[0-9]{9}",  # identificador
        f"[A-Z]{{6}}[0-9]{{6}}(?:{_ENTIDAD}|8[78])[HMX][0-9A-Z]{{3}}",  # clave_elector
        "[0-9]{2}",  # emision
        f"(?:{_CURP})?",  # at CURP_AT, as the four fields before it have a fixed width
        f"(?:{_NAME},(?:{_NAME})?|,{_NAME})",  # the surnames: either may be empty, not both
        _NAME,  # nombre
        _iso_date_before(cut_year),  # fecha_nacimiento
        "[HMX]",
        _ENTIDAD,
        "(?!00)[0-9]{2}",  # distrito_federal
        "(?!00)[0-9]{2}",  # distrito_local
        "(?!000)[0-9]{3}",  # municipio
        "(?!0000)[0-9]{4}",  # seccion
        "(?:19|[2-9][0-9])[0-9]{2}",  # vigencia
        f"(?:LN,|PADRON,|BAJA,(?:{'|'.join(CausaBaja)}))",  # situacion and causa_baja
    )
    return re.compile("^" + ",".join(fields) + "$", re.MULTILINE)


CURP_AT = 42  # where a plain line's CURP starts: after 9 + 9 + 18 + 2 characters and commas
# The check digit rule as one weighted sum: with the digit itself weighted 1, a CURP holds
# when sum(weight * value) is a multiple of 10 (curp.check_digit says the same per CURP).
_WEIGHTS = np.arange(18, 0, -1, dtype=np.uint16)  # sums stay under 37 * 171 < 2**16
_NONE = 255  # the value of a byte that is no ASCII letter or digit
_VALUES = np.full(256, _NONE, dtype=np.uint8)  # by UTF-8 byte
for _char, _value in curp.VALUES.items():
    if _char.isascii():
        _VALUES[ord(_char)] = _value
_SPAN = np.arange(18)


def check_digits_hold(chars: np.ndarray, commas: np.ndarray) -> bool | None:
    """Whether every CURP of plain lines (`chars`, their UTF-8 bytes; `commas`, where the
    commas of each line are) has its check digit; None when one holds an Ñ (two bytes wide:
    left to the line-by-line check)."""
    starts = commas[:, 3] + 1
    given = starts[chars[starts] != ord(",")]  # an empty CURP is none
    values = _VALUES[chars[given[:, None] + _SPAN]]
    if np.any(values == _NONE):
        return None
    return not np.any((values @ _WEIGHTS) % 10)


def plain_block(text: str, cut: date) -> RollBatch | None:
    """The block as a batch, when every line of `text` (whole lines, each ending in a
    newline) is a plain valid row for `cut`; None means "look line by line"."""
    rows, lines = line_pattern(cut.year).subn("", text)[1], text.count("\n")
    if rows != lines or not rows:
        return None
    data = text.encode()
    chars = np.frombuffer(data, dtype=np.uint8)
    commas = commas_of(chars)  # 17 in each line: no plain value holds a comma
    if not check_digits_hold(chars, commas):
        return None
    return RollBatch(data, rows, cells_of(chars, commas))


def plain_line(line: str, cut: date) -> bool:
    """Whether one line (no newline) is a plain valid row; False means "ask `validate`"."""
    if line_pattern(cut.year).fullmatch(line) is None:
        return False
    code = line[CURP_AT : CURP_AT + 18]
    return code[0] == "," or code[17] == curp.check_digit(code[:17])
