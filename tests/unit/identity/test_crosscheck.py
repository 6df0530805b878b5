from datetime import date

from apoyo_common.messages import SupportForm
from apoyo_identity.crosscheck import cross_checks, plain
from apoyo_identity.rules.mrz import MrzRead


def read(surnames: tuple[str, ...], given: tuple[str, ...], line3_full: bool = False) -> MrzRead:
    line3 = "X" * 30 if line3_full else "<" * 30
    return MrzRead(
        ("", "", line3),
        "123456789",
        "0101123456789",
        date(1980, 1, 26),
        "H",
        date(2033, 12, 31),
        "MEX",
        "",
        surnames,
        given,
    )


def results(form: SupportForm, mrz: MrzRead | None) -> dict[str, str]:
    return {c.field: c.result for c in cross_checks(form, mrz)}


def test_each_field_is_reported() -> None:
    form = SupportForm(
        apellido_paterno="Núñez",
        apellido_materno="Acosta",
        nombre="José Noé",
        cic="123456789",
        ocr="0101123456780",
        consent=True,
        clave_elector="NXACJS80012626H123",
    )
    found = results(form, read(("NUNEZ", "ACOSTA"), ("JOSE", "NOE")))
    assert found == {
        "cic": "MATCH",
        "ocr": "MISMATCH",
        "seccion": "NOT_TYPED",
        "apellido_paterno": "MATCH",
        "apellido_materno": "MATCH",
        "nombre": "MATCH",
        "clave_elector": "MATCH",
    }


def test_nothing_read_and_nothing_typed() -> None:
    assert set(results(SupportForm(consent=True), None).values()) == {"NOT_TYPED"}
    typed = SupportForm(cic="123456789", consent=True)
    assert results(typed, None)["cic"] == "NOT_READ"


def test_a_full_third_line_may_cut_a_name_short() -> None:
    form = SupportForm(nombre="MARIA GUADALUPE", consent=True)
    assert results(form, read(("LUNA",), ("MARIA", "GUADAL"), line3_full=True))["nombre"] == "MATCH"
    assert results(form, read(("LUNA",), ("MARIA", "GUADAL")))["nombre"] == "MISMATCH"


def test_plain_spelling() -> None:
    assert plain("  Peña-Ñúñez ") == "PENA NUNEZ"
