from apoyo_common.codes import CausaBaja, Situacion
from apoyo_verification.roll.batch import batch_of, csv_line, rows_of
from apoyo_verification.roll.rows import RollRow, validate
from tests.roll_files import CUT, fields, people


def typed(**changes: str) -> RollRow:
    row = validate(fields(people(1)[0], **changes), 2, CUT)
    assert isinstance(row, RollRow)
    return row


def test_rows_round_trip_through_a_batch() -> None:
    rows = [
        typed(),
        typed(curp="", apellido_materno="", nombre="O'NEIL"),
        typed(situacion="BAJA", causa_baja="DUPLICADO_PADRON", apellido_paterno="PEÑA"),
    ]
    batch = batch_of(rows)
    assert batch.rows == 3 and batch.data.count(b"\n") == 3
    assert rows_of(batch) == rows
    assert rows[2].situacion is Situacion.BAJA and rows[2].causa_baja is CausaBaja.DUPLICADO_PADRON


def test_a_line_is_the_file_format_in_column_order() -> None:
    person = people(1)[0]
    assert csv_line(typed()) == ",".join(fields(person))
