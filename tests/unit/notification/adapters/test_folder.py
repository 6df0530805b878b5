from email import message_from_bytes, policy
from pathlib import Path

from apoyo_notification import compose
from apoyo_notification.adapters.folder import FolderSender
from apoyo_notification.mime import to_email
from tests.factories import NOW
from tests.unit.notification.mail_factories import FROM, code_request


async def test_each_letter_is_one_private_eml_file_named_by_its_message_id(
    tmp_path: Path,
) -> None:
    sender = FolderSender(tmp_path / "mail")
    letter = compose.email_code(code_request())
    for _ in range(2):  # sent twice after a crash: still one file
        await sender.send(to_email(letter, FROM, NOW))
    (path,) = (tmp_path / "mail").iterdir()
    assert path.name == f"{letter.message_id}.eml" and path.stat().st_mode & 0o777 == 0o600
    message = message_from_bytes(path.read_bytes(), policy=policy.default)
    assert message["Subject"] == "Tu código para confirmar tu correo"
    assert message.get_content_type() == "multipart/alternative"
    body = message.get_body(("plain",))
    assert body is not None and "482913" in body.get_content()
