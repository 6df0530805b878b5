"""The hearing's storage port: the outcomes verification recorded, the evidence identity
measured (kept with each outcome) and the desk's referrals of cause AUDIENCIA."""

from typing import Protocol

from apoyo_common.codes import EvidenceKind
from apoyo_verification.hearing.domain import Heard, Query


class HearingBook(Protocol):
    async def page(self, query: Query) -> list[Heard]:
        """The aspirant's supports that do not count, and those contested (whatever the desk
        made of them), in (received_at, support_id) order, after the query's cursor, at most
        `query.limit`."""
        ...

    async def heard(self, process_id: str, aspirant_id: str, support_id: str) -> Heard | None:
        """That support, when it is the aspirant's and does not count or was contested."""
        ...

    async def object_key(self, support_id: str, kind: EvidenceKind) -> str | None: ...
