import pytest

from apoyo_common.codes import CausaBaja, Situacion
from apoyo_verification.roll.rows import COLUMNS, RollRow, RowError, column_positions, validate
from tests.roll_files import CUT, fields, people

PERSON = people(1)[0]


def problems(**changes: str) -> list[tuple[str, str]]:
    found = validate(fields(PERSON, **changes), 7, CUT)
    assert isinstance(found, list)
    assert {e.line for e in found} == {7}
    return [(e.column, e.reason) for e in found]


def test_a_synthetic_row_is_typed() -> None:
    row = validate(fields(PERSON), 2, CUT)
    assert isinstance(row, RollRow)
    assert row.fecha_nacimiento == PERSON.fecha_nacimiento and row.vigencia == 2033
    assert row.situacion is Situacion.LN and row.causa_baja is None
    assert row.ocr == PERSON.seccion + PERSON.identificador


@pytest.mark.parametrize(
    ("column", "value", "reason"),
    [
        ("cic", "12345678", "debe tener 9 dígitos"),
        ("cic", "12345678a", "debe tener 9 dígitos"),
        ("identificador", "1234567890", "debe tener 9 dígitos"),
        ("identificador", "١٢٣٤٥٦٧٨٩", "debe tener 9 dígitos"),  # non-ASCII digits
        ("clave_elector", "LPZZOS57022099H670", "no tiene el formato de clave de elector"),
        ("clave_elector", "LPZZOS570220", "no tiene el formato de clave de elector"),
        ("emision", "1", "debe tener 2 dígitos"),
        ("curp", "ABC", "no tiene el formato de CURP"),
        ("fecha_nacimiento", "20/02/1957", "debe ser una fecha AAAA-MM-DD"),
        ("fecha_nacimiento", "19570220", "debe ser una fecha AAAA-MM-DD"),
        ("fecha_nacimiento", "1957-02-30", "no es una fecha existente"),
        ("sexo", "F", "debe ser uno de: H, M, X"),
        ("entidad", "33", "debe estar entre 01 y 32"),
        ("entidad", "00", "debe estar entre 01 y 32"),
        ("distrito_federal", "3", "debe tener 2 dígitos"),
        ("distrito_local", "00", "debe estar entre 01 y 99"),
        ("municipio", "29", "debe tener 3 dígitos"),
        ("municipio", "000", "debe estar entre 001 y 999"),
        ("seccion", "100", "debe tener 4 dígitos"),
        ("vigencia", "33", "debe tener 4 dígitos"),
        ("vigencia", "1899", "debe estar entre 1900 y 9999"),
        ("situacion", "ln", "debe ser uno de: LN, PADRON, BAJA"),
        ("causa_baja", "MUERTE", "debe ser uno de: " + ", ".join(CausaBaja)),
        ("nombre", "", "es obligatorio"),
        ("nombre", "ANA2", "solo admite letras, espacios, apóstrofo, punto y guion"),
        (
            "apellido_paterno",
            "GARCIA; DROP",
            "solo admite letras, espacios, apóstrofo, punto y guion",
        ),
        ("apellido_materno", "X" * 81, "solo admite letras, espacios, apóstrofo, punto y guion"),
        ("apellido_materno", "RU\ufffdZ", "no es texto UTF-8 válido"),
    ],
)
def test_each_column_has_its_rule(column: str, value: str, reason: str) -> None:
    assert problems(**{column: value}) == [(column, reason)]


def test_curp_problems_are_told_apart() -> None:
    wrong_digit = PERSON.curp[:17] + str((int(PERSON.curp[17]) + 1) % 10)
    assert problems(curp=wrong_digit) == [("curp", "dígito verificador de la CURP incorrecto")]
    assert problems(curp="SABC560626MZZLRN01") == [
        (
            "curp",
            "entidad de nacimiento desconocida en la CURP; "
            "dígito verificador de la CURP incorrecto",
        )
    ]


def test_a_missing_curp_is_allowed() -> None:
    row = validate(fields(PERSON, curp=""), 2, CUT)
    assert isinstance(row, RollRow) and row.curp is None


def test_every_bad_column_of_a_row_is_reported() -> None:
    found = problems(cic="x", sexo="Q", seccion="")
    assert [c for c, _ in found] == ["cic", "sexo", "seccion"]


@pytest.mark.parametrize(
    ("paterno", "materno", "nombre"),
    [
        ("NÚÑEZ", "PEÑA", "JOSÉ MARÍA"),
        ("DE LA O", "", "MARÍA DEL ROSARIO"),
        ("", "O'CONNOR", "ANA-LUCÍA"),
        ("Muñoz", "Güereña", "Ma."),
    ],
)
def test_names_with_accents_enie_and_particles(paterno: str, materno: str, nombre: str) -> None:
    row = validate(
        fields(PERSON, apellido_paterno=paterno, apellido_materno=materno, nombre=nombre), 2, CUT
    )
    assert isinstance(row, RollRow)
    assert (row.apellido_paterno, row.apellido_materno, row.nombre) == (paterno, materno, nombre)


def test_decomposed_accents_are_stored_composed() -> None:
    row = validate(fields(PERSON, apellido_paterno="NUN\u0303EZ"), 2, CUT)
    assert isinstance(row, RollRow) and row.apellido_paterno == "NUÑEZ"


def test_both_surnames_missing_is_an_error() -> None:
    assert problems(apellido_paterno="", apellido_materno="") == [
        ("apellido_paterno", "falta un apellido (paterno o materno)")
    ]


def test_a_baja_needs_its_cause_and_only_a_baja_has_one() -> None:
    assert problems(situacion="BAJA") == [("causa_baja", "es obligatoria cuando situacion es BAJA")]
    assert problems(situacion="PADRON", causa_baja="DEFUNCION") == [
        ("causa_baja", "debe ir vacía cuando situacion no es BAJA")
    ]
    row = validate(fields(PERSON, situacion="BAJA", causa_baja="USURPACION"), 2, CUT)
    assert isinstance(row, RollRow) and row.causa_baja is CausaBaja.USURPACION


def test_a_birth_after_the_cut_is_an_error() -> None:
    assert problems(fecha_nacimiento="2026-09-01") == [
        ("fecha_nacimiento", "es posterior a la fecha del corte")
    ]


def test_values_are_trimmed_and_claves_upper_cased() -> None:
    row = validate(
        fields(PERSON, clave_elector=f" {PERSON.clave_elector.lower()} ", cic=f"{PERSON.cic} "),
        2,
        CUT,
    )
    assert isinstance(row, RollRow)
    assert row.clave_elector == PERSON.clave_elector and row.cic == PERSON.cic


def test_a_row_of_the_wrong_width_is_one_error() -> None:
    assert validate(fields(PERSON)[:-1], 9, CUT) == [
        RowError(9, "", "se esperaban 18 campos y hay 17")
    ]


def test_errors_read_with_line_and_column_and_never_the_value() -> None:
    [error] = validate(fields(PERSON, curp="ZZZ"), 12, CUT)  # type: ignore[misc]
    assert str(error) == "línea 12: columna curp: no tiene el formato de CURP"
    assert "ZZZ" not in str(error)


def test_header_in_any_order() -> None:
    header = list(reversed(COLUMNS))
    positions, errors = column_positions([f" {h.upper()} " for h in header])
    assert errors == [] and [header[i] for i in positions] == list(COLUMNS)


def test_header_problems() -> None:
    header = [*COLUMNS[:-1], "curp", "extra"]
    _, errors = column_positions(header)
    assert errors == [
        RowError(1, "causa_baja", "falta la columna en el encabezado"),
        RowError(1, "extra", "columna desconocida"),
        RowError(1, "curp", "columna repetida"),
    ]


def test_date_of_birth_on_the_cut_is_fine() -> None:
    assert isinstance(validate(fields(PERSON, fecha_nacimiento=str(CUT)), 2, CUT), RollRow)
