import html

import pytest

from apoyo_common.codes import Status
from apoyo_notification import compose, wording
from apoyo_notification.letters import Kind
from tests.factories import NOW
from tests.unit.notification.mail_factories import code_request, invitation, outcome


@pytest.mark.parametrize("status", list(Status))
def test_every_status_is_told_in_spanish_in_both_parts(status: Status) -> None:
    letter = compose.outcome(outcome(status))
    assert letter is not None and letter.kind is Kind.OUTCOME
    assert wording.STATUS[status] in letter.text
    assert html.escape(wording.STATUS[status]) in letter.html
    assert "folio s-1" in letter.text and "<code>s-1</code>" in letter.html


@pytest.mark.parametrize("code", sorted(wording.REASONS))
def test_every_known_reason_is_a_spanish_phrase(code: str) -> None:
    letter = compose.outcome(outcome(Status.DATOS_NO_COINCIDEN, (code,)))
    assert letter is not None
    assert f"- {wording.REASONS[code]}" in letter.text and "código" not in letter.text
    assert "<li>" in letter.html


def test_an_unknown_reason_is_still_named() -> None:
    letter = compose.outcome(outcome(Status.PENDIENTE_REVISION, ("NEW_FLAG",)))
    assert letter is not None and "otro motivo (código NEW_FLAG)" in letter.text


def test_no_address_no_letter() -> None:
    assert compose.outcome(outcome().model_copy(update={"email": None})) is None


def test_a_revised_outcome_is_another_letter() -> None:
    first, revised = outcome(), outcome(Status.DUPLICADO_OTRO_ASPIRANTE)
    revised = revised.model_copy(update={"verified_at": first.verified_at.replace(year=2030)})
    one, two = compose.outcome(first), compose.outcome(revised)
    assert one is not None and two is not None and one.message_id != two.message_id
    again = compose.outcome(first)
    assert again is not None and again.message_id == one.message_id


def test_the_invitation_escapes_what_it_shows_in_html() -> None:
    letter = compose.invitation(invitation(name='<script>alert("x")</script> & Cía'))
    assert "<script>" not in letter.html and "&lt;script&gt;" in letter.html
    assert "&amp; Cía" in letter.html and '<script>alert("x")</script> & Cía' in letter.text
    assert 'href="https://apoyo.example.mx/i/abc?x=1&amp;y=2"' in letter.html
    assert "https://apoyo.example.mx/i/abc?x=1&y=2" in letter.text
    assert "El enlace vence el " in letter.text and "(hora del centro de México)" in letter.text
    assert letter.expires_at is not None and letter.domain == "example.org"


def test_the_code_is_in_the_body_and_never_in_the_subject() -> None:
    letter = compose.email_code(code_request())
    assert "482913" in letter.text and "482913" in letter.html
    assert "482913" not in letter.subject and letter.kind is Kind.EMAIL_CODE


def test_the_daily_summary_counts_each_status_and_the_total() -> None:
    counts = {Status.EN_LISTA_NOMINAL: 120, Status.BAJA: 3, Status.NO_ENCONTRADO: 0}
    letter = compose.daily_summary(
        "aspirante@example.org", ("p-1", "Proceso <2027>"), ("a-1", "Ana"), NOW.date(), counts
    )
    assert "- válidos (en lista nominal): 120" in letter.text and "Total: 123" in letter.text
    assert "no encontrados" not in letter.text
    assert "Proceso &lt;2027&gt;" in letter.html and "<td>120</td>" in letter.html
    again = compose.daily_summary("x@y.mx", ("p-1", "P"), ("a-1", "A"), NOW.date(), {})
    assert again.message_id == letter.message_id  # one per aspirant and day


def test_every_status_has_a_short_label() -> None:
    assert set(wording.STATUS_SHORT) == set(Status) == set(wording.STATUS)


def test_a_code_to_see_ones_supports_names_no_aspirant() -> None:
    request = code_request().model_copy(update={"purpose": "CONSULTA"})
    letter = compose.email_code(request)
    assert letter.kind is Kind.EMAIL_CODE and "482913" in letter.text and "482913" in letter.html
    assert "consultar los apoyos" in letter.text and "Ana Pérez" not in letter.text
    assert "482913" not in letter.subject
