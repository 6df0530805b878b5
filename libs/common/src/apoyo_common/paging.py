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


PAGE_DEFAULT, PAGE_MAX = 50, 200


class BadPage(ValueError):
    """A page parameter the client sent wrong: `code` and a Spanish `detail` for the refusal."""

    def __init__(self, code: str, detail: str) -> None:
        super().__init__(detail)
        self.code, self.detail = code, detail


def page_of(after: str | None, limit: str | None) -> tuple[Cursor | None, int]:
    """The `after` cursor and the `limit` of a list request (50 when absent, at most 200)."""
    return _cursor(after or None), _limit(limit)


def _cursor(text: str | None) -> Cursor | None:
    if text is None:
        return None
    try:
        return Cursor.decode(text)
    except ValueError:
        raise BadPage("invalid_cursor", "after no es un cursor de esta lista") from None


def _limit(text: str | None) -> int:
    if text is None:
        return PAGE_DEFAULT
    if not (text.isascii() and text.isdigit() and len(text) <= 4) or not 1 <= int(text) <= PAGE_MAX:
        raise BadPage("invalid_limit", f"limit debe ser un número de 1 a {PAGE_MAX}")
    return int(text)
