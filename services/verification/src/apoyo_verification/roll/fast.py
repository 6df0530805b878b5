"""The fast path for plain rows: a block of lines checked at once, passed on as its own text.

A state's roll is millions of rows, and checking each column in Python costs several times
the COPY itself. Nearly every row of a real file is plain: columns in order, nothing quoted,
upper-case claves, names in upper case. A block of such lines is checked by one compiled
pattern run over the whole block, which holds the calendar and the cut too (a birth in an
earlier year than the cut's), then by the one rule a pattern cannot hold, the CURP check
digit, for the whole block at once (one product of big integers). The block then goes to
the roll as the very text it came as, with its LN counted per cell on the way.
Anything else goes line by line, and a line that is not plain goes to `rows.validate`,
which is the rule: the fast path may only accept what `validate` accepts (property tests
hold it to that) and never explains a rejection.
"""

import functools
import re
from collections.abc import Sequence
from datetime import date

from apoyo_common.codes import CausaBaja
from apoyo_common.rules import curp
from apoyo_verification.roll.batch import RollBatch, count_cells
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
        f"({_CURP})?",  # group 1
        f"(?:{_NAME},(?:{_NAME})?|,{_NAME})",  # the surnames: either may be empty, not both
        _NAME,  # nombre
        _iso_date_before(cut_year),  # fecha_nacimiento
        "[HMX]",
        "(" + _ENTIDAD,  # group 2: the cell, entidad to seccion
        "(?!00)[0-9]{2}",  # distrito_federal
        "(?!00)[0-9]{2}",  # distrito_local
        "(?!000)[0-9]{3}",  # municipio
        "(?!0000)[0-9]{4})",  # seccion
        "(?:19|[2-9][0-9])[0-9]{2}",  # vigencia
        f"(LN,|PADRON,|BAJA,(?:{'|'.join(CausaBaja)}))",  # situacion and causa_baja, group 3
    )
    return re.compile("^" + ",".join(fields) + "$", re.MULTILINE)


# The check digit rule as one weighted sum: with the digit itself weighted 1, a CURP holds
# when sum(weight * value) is a multiple of 10 (curp.check_digit says the same per CURP).
# For a block, every CURP's sum at once: each character's value in a 16-bit lane of one
# big integer, times the weights 1..18 in lanes; lane 17 of each CURP's 18 then holds its
# sum (at most 36 * 171 < 2**16, so no lane ever carries into the next).
_VALUE_BYTES = bytes.maketrans(
    bytes(ord(c) for c in curp.VALUES if c.isascii()),
    bytes(v for c, v in curp.VALUES.items() if c.isascii()),
)
_WEIGHTS = sum((lane + 1) << (16 * lane) for lane in range(18))


def check_digits_hold(codes: Sequence[str]) -> bool:
    """Whether every CURP (18 characters, format checked; empty ones are none) has its
    check digit."""
    joined = "".join(codes)
    if not joined.isascii():  # an Ñ (rare): one by one
        return all(c[17] == curp.check_digit(c[:17]) for c in codes if c)
    lanes = bytearray(2 * len(joined))
    lanes[0::2] = joined.encode("ascii").translate(_VALUE_BYTES)
    product = int.from_bytes(lanes, "little") * _WEIGHTS
    sums = memoryview(product.to_bytes(len(lanes) + 36, "little")).cast("H")
    return not any(s % 10 for s in set(sums[17 : len(joined) : 18]))  # a few hundred sums


def plain_block(text: str, cut: date) -> RollBatch | None:
    """The block as a batch, when every line of `text` (whole lines, each ending in a
    newline) is a plain valid row for `cut`; None means "look line by line"."""
    found, lines = line_pattern(cut.year).findall(text), text.count("\n")
    if len(found) != lines or not found:
        return None
    codes, places, situations = zip(*found, strict=True)
    if not check_digits_hold(codes):
        return None
    return RollBatch(text.encode(), lines, count_cells(zip(places, situations, strict=True)))


def plain_line(line: str, cut: date) -> bool:
    """Whether one line (no newline) is a plain valid row; False means "ask `validate`"."""
    match = line_pattern(cut.year).fullmatch(line)
    code = match[1] if match else None
    return match is not None and (not code or code[17] == curp.check_digit(code[:17]))
