"""A letter as an RFC 5322 message: multipart/alternative, plain text first, then HTML."""

from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime

from apoyo_notification.letters import Letter, recipient_domain


def message_id_header(letter: Letter, sender: str) -> str:
    """Stable for a letter, so a receiving side can drop a copy sent twice after a crash."""
    return f"<{letter.message_id}@{recipient_domain(sender)}>"


def to_email(letter: Letter, sender: str, now: datetime) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = letter.to
    message["Subject"] = letter.subject
    message["Date"] = format_datetime(now)
    message["Message-ID"] = message_id_header(letter, sender)
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(letter.text)
    message.add_alternative(letter.html, subtype="html")
    return message
