from pathlib import Path

import pytest

from apoyo_common.settings import Settings
from apoyo_notification.adapters.folder import FolderSender
from apoyo_notification.adapters.smtp import SmtpSender
from apoyo_notification.bootstrap import sender_for


def test_smtp_settings_come_from_apoyo_smtp_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in {
        "HOST": "mail.ople.example.mx",
        "PORT": "587",
        "USER": "apoyo",
        "PASSWORD": "s3cret",
        "STARTTLS": "true",
    }.items():
        monkeypatch.setenv(f"APOYO_SMTP_{name}", value)
    sender = sender_for(Settings())
    assert sender == SmtpSender("mail.ople.example.mx", 587, "apoyo", "s3cret", True, 30.0)
    assert "s3cret" not in repr(sender)


def test_the_folder_sender_is_chosen_by_the_settings(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("APOYO_MAIL_SENDER", "folder")
    monkeypatch.setenv("APOYO_MAIL_DIR", str(tmp_path))
    assert sender_for(Settings()) == FolderSender(tmp_path)
