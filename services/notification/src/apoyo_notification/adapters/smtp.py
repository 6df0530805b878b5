"""Sending through an SMTP server (aiosmtplib): one connection per letter, which is simple and
enough at the volumes of a process; STARTTLS and AUTH when configured."""

from dataclasses import dataclass, field
from email.message import EmailMessage

import aiosmtplib

from apoyo_common.settings import Settings


@dataclass(frozen=True)
class SmtpSender:
    host: str
    port: int
    user: str = ""
    password: str = field(default="", repr=False)
    starttls: bool = False
    timeout_s: float = 30.0

    @classmethod
    def from_settings(cls, settings: Settings) -> "SmtpSender":
        return cls(
            settings.smtp_host,
            settings.smtp_port,
            settings.smtp_user,
            settings.smtp_password.get_secret_value(),
            settings.smtp_starttls,
            settings.smtp_timeout_s,
        )

    async def send(self, message: EmailMessage) -> None:
        """Raises `aiosmtplib.SMTPException` (or OSError) unless every recipient was accepted."""
        await aiosmtplib.send(
            message,
            hostname=self.host,
            port=self.port,
            username=self.user or None,
            password=self.password or None,
            start_tls=self.starttls,
            timeout=self.timeout_s,
        )
