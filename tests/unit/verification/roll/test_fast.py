from hypothesis import given, settings
from hypothesis import strategies as st

from apoyo_verification.roll.batch import csv_line
from apoyo_verification.roll.fast import fast_line
from apoyo_verification.roll.rows import COLUMNS, RollRow, validate
from tests.roll_files import CUT, fields, people

PERSONS = people(50)
CUT_ISO = CUT.isoformat()
# Characters near the rules' edges: digits, the letters of claves and names, separators.
TEXT = st.text(alphabet="0123456789ABHMXZÑÁÜaé ,'.-\"\n\u0303", max_size=20)
VALUES = st.one_of(
    TEXT,
    st.sampled_from(["", "00", "000", "0000", "32", "33", "88", "1899", "2026-09-01", "BAJA"]),
    st.sampled_from(["2000-02-29", "1999-02-29", "1957-04-31", "DEFUNCION", "LN", "PADRON"]),
)


def test_plain_synthetic_rows_take_the_fast_path() -> None:
    for person in PERSONS:
        line = fast_line(fields(person), CUT_ISO)
        assert line == ",".join(fields(person))


@settings(max_examples=300)
@given(
    st.integers(0, len(PERSONS) - 1),
    st.lists(st.tuples(st.integers(0, len(COLUMNS) - 1), VALUES), min_size=1, max_size=3),
)
def test_the_fast_path_accepts_only_what_validate_accepts(
    person: int, changes: list[tuple[int, str]]
) -> None:
    values = fields(PERSONS[person])
    for column, value in changes:
        values[column] = value
    line = fast_line(values, CUT_ISO)
    if line is not None:
        row = validate(values, 2, CUT)
        assert isinstance(row, RollRow), row
        assert csv_line(row) == line  # the same text reaches the roll either way


def test_what_the_fast_path_leaves_to_validate() -> None:
    person = PERSONS[0]
    for change in (
        {"apellido_paterno": "Muñoz"},  # lower case: valid, but not plain
        {"clave_elector": person.clave_elector.lower()},
        {"nombre": " ANA"},
        {"apellido_paterno": "", "apellido_materno": ""},
        {"fecha_nacimiento": "1957-02-30"},
        {"fecha_nacimiento": "2026-09-01"},
        {"curp": person.curp[:17] + str((int(person.curp[17]) + 1) % 10)},
        {"nombre": "A" * 81},
    ):
        assert fast_line(fields(person, **change), CUT_ISO) is None, change
