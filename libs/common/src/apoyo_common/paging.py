"""Keyset paging shared by every list of supports: newest first in (received_at, support_id)
order, the next page starting right after the last support of this one (no OFFSET)."""

import base64
import binascii
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Cursor:
    """The last support of a page, as an opaque token for the client."""

    received_at: datetime
    support_id: str

    def encode(self) -> str:
        text = f"{self.received_at.isoformat()}|{self.support_id}"
        return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")

    @classmethod
    def decode(cls, text: str) -> "Cursor":
        """Raises ValueError for anything this class did not encode."""
        try:
            raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)).decode()
            stamp, support_id = raw.split("|", 1)
            at = datetime.fromisoformat(stamp)
        except (binascii.Error, UnicodeDecodeError, ValueError) as bad:
            raise ValueError("cursor") from bad
        if at.tzinfo is None or not support_id:
            raise ValueError("cursor")
        return cls(at, support_id)
