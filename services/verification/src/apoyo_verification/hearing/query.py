"""The hearing list's query string: filters, cursor and page size, checked."""

import re
from collections.abc import Mapping

from apoyo_common.codes import Status
from apoyo_common.paging import Cursor
from apoyo_verification.hearing.domain import PAGE_DEFAULT, PAGE_MAX, Query

_REASON = re.compile(r"^[A-Z][A-Z0-9_]{0,63}$")


class BadQuery(ValueError):
    def __init__(self, code: str, detail: str) -> None:
        super().__init__(detail)
        self.code = code


def query_of(process_id: str, aspirant_id: str, params: Mapping[str, str]) -> Query:
    """Raises BadQuery (a refusal code and a Spanish detail) for anything out of shape."""
    status = params.get("status") or None
    if status is not None and status not in {s.value for s in Status}:
        raise BadQuery("invalid_status", "status debe ser un código de resultado")
    reason = params.get("reason") or None
    if reason is not None and not _REASON.match(reason):
        raise BadQuery("invalid_reason", "reason debe ser un código en mayúsculas")
    return Query(
        process_id, aspirant_id, None if status is None else Status(status), reason,
        _cursor(params.get("after") or None), _limit(params.get("limit")),
    )  # fmt: skip


def _cursor(text: str | None) -> Cursor | None:
    if text is None:
        return None
    try:
        return Cursor.decode(text)
    except ValueError:
        raise BadQuery("invalid_cursor", "after no es un cursor de esta lista") from None


def _limit(text: str | None) -> int:
    if text is None:
        return PAGE_DEFAULT
    if not (text.isascii() and text.isdigit() and len(text) <= 4) or not 1 <= int(text) <= PAGE_MAX:
        raise BadQuery("invalid_limit", f"limit debe ser un número de 1 a {PAGE_MAX}")
    return int(text)
