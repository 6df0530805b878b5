"""An aspirant's supports as a list: filters, keyset cursor and page size (pure).

Newest first, in (received_at, support_id) order, one page after a cursor: the database walks
an index from the cursor on and stops after a page, however many supports there are (no
OFFSET, no COUNT). The totals come from the progress route, not from here.
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from apoyo_capture.refusals import Refused
from apoyo_common.codes import Channel, Status
from apoyo_common.paging import PAGE_DEFAULT, BadPage, Cursor, page_of

_REASON = re.compile(r"^[A-Z][A-Z0-9_]{0,63}$")
_SUBJECT_MAX = 200
# Not counted and not waiting: what the verifiers (or the desk) turned down.
PENDING = (Status.RECIBIDO.value, Status.PENDIENTE_REVISION.value)
REJECTED = tuple(s.value for s in Status if s.value not in (*PENDING, "EN_LISTA_NOMINAL"))


def shift(before: str, after: str) -> tuple[int, int]:
    """How a support's change of status moves its subject's (decided, rejected) counts."""
    decided = int(after not in PENDING) - int(before not in PENDING)
    rejected = int(after in REJECTED) - int(before in REJECTED)
    return decided, rejected


@dataclass(frozen=True)
class SupportFilter:
    status: str | None = None
    reason: str | None = None
    channel: str | None = None
    captured_by: str | None = None
    since: datetime | None = None  # received at or after
    until: datetime | None = None  # received before


@dataclass(frozen=True)
class SupportQuery:
    process_id: str
    aspirant_id: str
    filter: SupportFilter = SupportFilter()
    after: Cursor | None = None
    limit: int = PAGE_DEFAULT


@dataclass(frozen=True)
class ListedSupport:
    support_id: str
    channel: str
    captured_by: str
    status: str
    reasons: tuple[str, ...]
    received_at: datetime
    updated_at: datetime

    @property
    def cursor(self) -> Cursor:
        return Cursor(self.received_at, self.support_id)


def matches(support: ListedSupport, query: SupportQuery) -> bool:
    """The filter and cursor as a predicate: what the SQL of the real adapter says."""
    f = query.filter
    return (
        (f.status is None or support.status == f.status)
        and (f.reason is None or f.reason in support.reasons)
        and (f.channel is None or support.channel == f.channel)
        and (f.captured_by is None or support.captured_by == f.captured_by)
        and (f.since is None or support.received_at >= f.since)
        and (f.until is None or support.received_at < f.until)
        and (query.after is None or _key(support) < _key(query.after))
    )


def _key(item: ListedSupport | Cursor) -> tuple[datetime, str]:
    return item.received_at, item.support_id


def newest_first(found: list[ListedSupport], limit: int) -> list[ListedSupport]:
    return sorted(found, key=_key, reverse=True)[:limit]


def query_of(process_id: str, aspirant_id: str, params: Mapping[str, str]) -> SupportQuery:
    """The list's query string, checked: a Refused (422) names the parameter at fault."""
    chosen = SupportFilter(
        status=_choice(params, "status", {s.value for s in Status}),
        reason=_reason(params.get("reason") or None),
        channel=_choice(params, "channel", {c.value for c in Channel}),
        captured_by=_subject(params.get("captured_by") or None),
        since=_moment("since", params.get("since") or None),
        until=_moment("until", params.get("until") or None),
    )
    try:
        after, limit = page_of(params.get("after"), params.get("limit"))
    except BadPage as bad:
        raise _bad(bad.code, bad.detail) from None
    return SupportQuery(process_id, aspirant_id, chosen, after, limit)


def _bad(code: str, detail: str) -> Refused:
    return Refused(422, code, detail)


def _choice(params: Mapping[str, str], name: str, allowed: set[str]) -> str | None:
    value = params.get(name) or None
    if value is not None and value not in allowed:
        raise _bad(f"invalid_{name}", f"{name} debe ser uno de: {', '.join(sorted(allowed))}")
    return value


def _reason(value: str | None) -> str | None:
    if value is not None and not _REASON.match(value):
        raise _bad("invalid_reason", "reason debe ser un código en mayúsculas")
    return value


def _subject(value: str | None) -> str | None:
    if value is not None and (len(value) > _SUBJECT_MAX or not value.isprintable()):
        raise _bad("invalid_captured_by", "captured_by no es un sujeto de token")
    return value


def _moment(name: str, value: str | None) -> datetime | None:
    """An ISO 8601 date-time with its offset, or a date (from its first instant, UTC)."""
    if value is None:
        return None
    try:
        if len(value) == 10:
            return datetime.combine(date.fromisoformat(value), time(), UTC)
        at = datetime.fromisoformat(value)
    except ValueError:
        at = None
    if at is None or at.tzinfo is None:
        raise _bad(f"invalid_{name}", f"{name} debe ser una fecha ISO 8601 (con zona horaria)")
    return at
