"""Whether a record found in the roll agrees with what the support says (pure).

A record is found by one path; the other data captured (typed, or read off the card) must not
contradict it. Each contradiction is named by its field: the reasons of `DATOS_NO_COINCIDEN`.
"""

from collections.abc import Iterator

from apoyo_common.credential import MrzFields
from apoyo_common.messages import IdentityDecoded, SupportForm
from apoyo_verification.lookup import cic_of, clave_of, ocr_of
from apoyo_verification.names import same, same_or_cut
from apoyo_verification.roll.rows import RollRow

TYPED_NAMES = ("apellido_paterno", "apellido_materno", "nombre")


def _card(decoded: IdentityDecoded, record: RollRow) -> Iterator[str]:
    cic, ocr, clave = cic_of(decoded), ocr_of(decoded), clave_of(decoded)
    emision = (decoded.form.emision or "").strip()
    if cic and cic != record.cic:
        yield "CIC"
    if ocr and ocr[4:] != record.identificador:
        yield "OCR"
    if clave and clave != record.clave_elector:
        yield "CLAVE_ELECTOR"
    if emision and emision != record.emision:
        yield "EMISION"


def _typed_names(form: SupportForm, record: RollRow) -> Iterator[str]:
    for field in TYPED_NAMES:
        typed = getattr(form, field)
        if typed and not same(typed, getattr(record, field)):
            yield field.upper()


def _read_names(mrz: MrzFields, record: RollRow) -> Iterator[str]:
    truncated = not mrz.lines[2].endswith("<")  # a full name line may have cut the names
    surnames = f"{record.apellido_paterno} {record.apellido_materno}"
    if not same_or_cut(" ".join(mrz.surnames), surnames, truncated):
        yield "APELLIDOS"
    if not same_or_cut(" ".join(mrz.given_names), record.nombre, truncated):
        yield "NOMBRE"
    if mrz.birth_date != record.fecha_nacimiento:
        yield "FECHA_NACIMIENTO"


def contradictions(decoded: IdentityDecoded, record: RollRow) -> tuple[str, ...]:
    found = [*_card(decoded, record), *_typed_names(decoded.form, record)]
    if decoded.mrz is not None:
        found += _read_names(decoded.mrz, record)
    return tuple(dict.fromkeys(found))
