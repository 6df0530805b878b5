import csv
import io

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from apoyo_common.rules import curp
from apoyo_verification.roll.batch import commas_of, csv_line
from apoyo_verification.roll.fast import check_digits_hold, plain_block, plain_line
from apoyo_verification.roll.rows import COLUMNS, RollRow, validate
from tests.roll_files import CUT, fields, people

PERSONS = people(50)
# Characters near the rules' edges: digits, the letters of claves and names, separators.
TEXT = st.text(alphabet="0123456789ABHMXZÑÁÜaé ,'.-\"\n\u0303", max_size=20)
DATES = ["2000-02-29", "1900-02-29", "1999-02-29", "1996-02-29", "1957-04-31", "1957-04-30"]
DATES += ["1957-12-31", "1957-11-31", "0000-01-01", "2026-08-31", "2026-09-01", "1957-13-01"]
VALUES = st.one_of(
    TEXT,
    st.sampled_from(["", "00", "000", "0000", "32", "33", "88", "1899", "BAJA", "LN", "PADRON"]),
    st.sampled_from([*DATES, "DEFUNCION", "DUPLICADO_PADRON"]),
)
# CURPs born on the edges of the calendar: the differentiator (letter: 2000s) decides 000229.
CURP_DATES = ["000229", "960229", "970229", "570431", "571231", "001301", "570100"]


def outcome(block: str) -> tuple[bytes, int] | None:
    """What the fast path made of a block: its bytes and rows, or None."""
    batch = plain_block(block, CUT)
    return None if batch is None else (batch.data, batch.rows)


def holds(data: bytes) -> bool | None:
    chars = np.frombuffer(data, dtype=np.uint8)
    return check_digits_hold(chars, commas_of(chars))


def ascii_curp(plain: str) -> bool:
    """Whether the CURP of a plain line is all ASCII (an Ñ is two bytes wide in UTF-8)."""
    return plain.split(",")[4].isascii()


def file_line(values: list[str]) -> str:
    """The row as a file would hold it: quoted where the CSV format needs it."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="").writerow(values)
    return buffer.getvalue()


def with_check_digit(code17: str) -> str:
    return code17 + curp.check_digit(code17)


def changed(person: int, changes: list[tuple[int, str]], curp_date: str | None) -> list[str]:
    values = fields(PERSONS[person])
    if curp_date is not None:
        code = values[4]
        values[4] = with_check_digit(code[:4] + curp_date + code[10:17])
    for column, value in changes:
        values[column] = value
    return values


def test_plain_synthetic_rows_take_the_fast_path() -> None:
    lines = [",".join(fields(p)) for p in PERSONS]
    assert all(plain_line(line, CUT) for line in lines)
    block = "\n".join(lines) + "\n"
    assert outcome(block) == (block.encode(), len(lines))


@settings(max_examples=400)
@given(
    st.integers(0, len(PERSONS) - 1),
    st.lists(st.tuples(st.integers(0, len(COLUMNS) - 1), VALUES), max_size=3),
    st.one_of(st.none(), st.sampled_from(CURP_DATES), st.sampled_from(["00022", "X"])),
)
def test_the_fast_path_accepts_only_what_validate_accepts(
    person: int, changes: list[tuple[int, str]], curp_date: str | None
) -> None:
    line = file_line(changed(person, changes, curp_date))
    if plain_line(line, CUT):
        [parsed] = csv.reader([line])
        row = validate(parsed, 2, CUT)
        assert isinstance(row, RollRow), row
        assert csv_line(row) == line  # the same text reaches the roll either way
    whole = plain_line(line, CUT) and ascii_curp(line)
    assert outcome(line + "\n") == ((line.encode() + b"\n", 1) if whole else None)


@settings(max_examples=100)
@given(
    st.lists(
        st.tuples(
            st.integers(0, len(PERSONS) - 1),
            st.lists(st.tuples(st.integers(0, len(COLUMNS) - 1), VALUES), max_size=1),
            st.one_of(st.none(), st.sampled_from(CURP_DATES)),
        ),
        min_size=1,
        max_size=8,
    )
)
def test_a_block_is_plain_exactly_when_each_of_its_lines_is(
    rows: list[tuple[int, list[tuple[int, str]], str | None]],
) -> None:
    lines = [file_line(changed(*row)) for row in rows]
    block = "".join(line + "\n" for line in lines)
    each = block.count("\n") == len(lines) and all(plain_line(x, CUT) for x in lines)
    # A CURP with an Ñ is two bytes wider in UTF-8: its block goes line by line.
    ascii = all(ascii_curp(x) for x in lines)
    assert outcome(block) == ((block.encode(), len(lines)) if each and ascii else None)


def test_the_calendar_is_followed_to_the_day() -> None:
    person = PERSONS[0]
    for born, plain in (("2000-02-29", True), ("1996-02-29", True), ("1900-02-29", False)):
        line = ",".join(fields(person, fecha_nacimiento=born))
        assert plain_line(line, CUT) is plain, born
        assert isinstance(validate(line.split(","), 2, CUT), RollRow) is plain, born
    code = person.curp
    for differentiator, plain in (("A", True), ("0", False)):  # 2000 was leap, 1900 was not
        leap = with_check_digit(code[:4] + "000229" + code[10:16] + differentiator)
        line = ",".join(fields(person, curp=leap))
        assert plain_line(line, CUT) is plain, leap
        assert isinstance(validate(line.split(","), 2, CUT), RollRow) is plain, leap


def test_check_digits_are_checked_for_a_whole_block_at_once() -> None:
    def block(*changes: dict[str, str]) -> bytes:  # plain lines
        lines = [",".join(fields(p, **c)) + "\n" for p, c in zip(PERSONS, changes, strict=False)]
        return "".join(lines).encode()

    code = PERSONS[1].curp
    wrong = code[:17] + str((int(code[17]) + 1) % 10)
    assert holds(block(*[{}] * 5))
    assert holds(block({}, {"curp": ""}, {}))  # an empty CURP is none
    assert not holds(block({}, {"curp": wrong}, {}))
    enne = with_check_digit("Ñ" + code[1:17])  # two bytes: left to the line-by-line check
    assert holds(block({}, {"curp": enne})) is None
    assert plain_line(",".join(fields(PERSONS[1], curp=enne)), CUT)


def test_what_the_fast_path_leaves_to_validate() -> None:
    person = PERSONS[0]
    for change in (
        {"apellido_paterno": "Muñoz"},  # lower case: valid, but not plain
        {"clave_elector": person.clave_elector.lower()},
        {"nombre": " ANA"},
        {"apellido_paterno": "", "apellido_materno": ""},
        {"fecha_nacimiento": "1957-02-30"},
        {"fecha_nacimiento": "2026-09-01"},
        {"fecha_nacimiento": "2026-01-01"},  # valid, but in the cut's year: left to validate
        {"curp": person.curp[:17] + str((int(person.curp[17]) + 1) % 10)},
        {"nombre": "A" * 81},
    ):
        line = ",".join(fields(person, **change))
        assert not plain_line(line, CUT), change
        assert outcome(line + "\n") is None, change
