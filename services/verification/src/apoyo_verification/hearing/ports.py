"""The hearing's storage port: the outcomes verification recorded, the evidence identity
measured, and the contests written at the hearing."""

from collections.abc import Sequence
from typing import Protocol

from apoyo_common.codes import EvidenceKind
from apoyo_common.messages import IdentityDecoded
from apoyo_verification.hearing.domain import Contest, Heard, Query


class EvidenceShelf(Protocol):
    async def keep(self, supports: Sequence[IdentityDecoded]) -> None:
        """Remember where each support's images are (idempotent: a redelivery changes nothing)."""
        ...


class HearingBook(EvidenceShelf, Protocol):
    async def page(self, query: Query) -> list[Heard]:
        """The aspirant's supports that do not count, in (received_at, support_id) order,
        after the query's cursor, at most `query.limit`."""
        ...

    async def heard(self, process_id: str, aspirant_id: str, support_id: str) -> Heard | None:
        """That support, when it is the aspirant's and does not count; else None."""
        ...

    async def object_key(self, support_id: str, kind: EvidenceKind) -> str | None: ...

    async def open_contest(self, contest: Contest) -> bool:
        """Store the contest; False when the support already has one."""
        ...

    async def drop_contest(self, support_id: str) -> None:
        """Undo `open_contest` when the desk could not take the referral."""
        ...
