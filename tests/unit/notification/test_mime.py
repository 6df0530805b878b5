from apoyo_notification import compose
from apoyo_notification.mime import to_email
from tests.factories import NOW
from tests.unit.notification.mail_factories import FROM, invitation


def test_a_letter_is_multipart_alternative_text_then_html_with_a_stable_message_id() -> None:
    letter = compose.invitation(invitation())
    message = to_email(letter, FROM, NOW)
    assert message.get_content_type() == "multipart/alternative"
    text, html = (part.get_content_type() for part in message.iter_parts())
    assert (text, html) == ("text/plain", "text/html")
    assert message["Message-ID"] == f"<{letter.message_id}@ople.example.mx>"
    assert to_email(letter, FROM, NOW)["Message-ID"] == message["Message-ID"]
    assert message["To"] == "persona@example.org" and message["Auto-Submitted"]
    body = message.get_body(("plain",))
    assert body is not None and "Ana Pérez te invita" in body.get_content()
