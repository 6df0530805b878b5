"""The embedded default: each letter written as an `.eml` file to a folder (`DATA/mail/`),
readable by any mail client. Named by the message id, so a letter sent twice is one file.
Files are personal data: mode 0600, and the folder is the operator's to empty."""

import asyncio
import os
from dataclasses import dataclass
from email.message import EmailMessage
from email.policy import SMTP
from pathlib import Path


@dataclass(frozen=True)
class FolderSender:
    folder: Path

    async def send(self, message: EmailMessage) -> None:
        await asyncio.to_thread(self._write, message)

    def path_of(self, message: EmailMessage) -> Path:
        local = str(message["Message-ID"]).strip("<>").split("@", 1)[0]
        return self.folder / f"{Path(local).name}.eml"

    def _write(self, message: EmailMessage) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self.path_of(message)
        partial = path.with_suffix(".part")
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(message.as_bytes(policy=SMTP))
        partial.replace(path)
