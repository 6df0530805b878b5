"""The hearing page: every code it may show has its words, and nothing is left to fill."""

from apoyo_common.codes import CausaBaja, Status
from apoyo_verification.desk.decision import REASONS as DESK_REASONS
from apoyo_verification.hearing.domain import HEARD
from apoyo_verification.hearing.page import REASON_WORDS, STATUS_WORDS, page_html
from apoyo_verification.web import CSP

CLASSIFY_REASONS = {"FUERA_DE_PLAZO", "CIC", "OCR", "SECCION", "CLAVE_ELECTOR", "EMISION",
                    "APELLIDO_PATERNO", "APELLIDO_MATERNO", "APELLIDOS", "NOMBRE",
                    "FECHA_NACIMIENTO", "ENTIDAD", "DISTRITO_FEDERAL", "DISTRITO_LOCAL",
                    "MUNICIPIO"}  # fmt: skip


def test_every_status_and_reason_the_hearing_shows_has_words() -> None:
    assert set(HEARD) <= set(STATUS_WORDS) and Status.EN_LISTA_NOMINAL in STATUS_WORDS
    known = DESK_REASONS | CLASSIFY_REASONS | {c.value for c in CausaBaja}
    assert known <= set(REASON_WORDS)


def test_the_page_is_complete_and_carries_no_inline_code() -> None:
    html = page_html()
    assert "{" not in html and "<script>" not in html and "style=" not in html
    assert 'value="FOTOCOPIA"' in html and 'value="NO_ENCONTRADO"' in html
    assert "'unsafe-inline'" not in CSP
