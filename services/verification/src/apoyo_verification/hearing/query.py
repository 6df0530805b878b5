"""The hearing list's query string: filters, cursor and page size, checked."""

import re
from collections.abc import Mapping

from apoyo_common.codes import Status
from apoyo_common.paging import BadPage, page_of
from apoyo_verification.hearing.domain import Query

_REASON = re.compile(r"^[A-Z][A-Z0-9_]{0,63}$")


def query_of(process_id: str, aspirant_id: str, params: Mapping[str, str]) -> Query:
    """Raises BadPage (a refusal code and a Spanish detail) for anything out of shape."""
    status = params.get("status") or None
    if status is not None and status not in {s.value for s in Status}:
        raise BadPage("invalid_status", "status debe ser un código de resultado")
    reason = params.get("reason") or None
    if reason is not None and not _REASON.match(reason):
        raise BadPage("invalid_reason", "reason debe ser un código en mayúsculas")
    after, limit = page_of(params.get("after"), params.get("limit"))
    return Query(
        process_id, aspirant_id, None if status is None else Status(status), reason, after, limit
    )
