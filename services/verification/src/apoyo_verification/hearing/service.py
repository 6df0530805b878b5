"""The hearing's use cases: a page of supports, one image, a contest sent to the desk."""

from dataclasses import dataclass

from apoyo_common.codes import EvidenceKind
from apoyo_common.logs import get_logger
from apoyo_common.storage import ObjectNotFound, ObjectStore
from apoyo_verification.desk.referral import Cause, Desk, NotRecorded, Referral
from apoyo_verification.hearing.domain import Heard, Query, content_type
from apoyo_verification.hearing.ports import HearingBook

log = get_logger(__name__)


class NotHeard(LookupError):
    """No such support among the aspirant's supports that do not count (or no such image)."""


class AlreadyContested(Exception):
    """The support already has a contest."""


class DeskUnavailable(Exception):
    """The desk did not take the referral (its storage failed): nothing was kept."""


@dataclass(frozen=True)
class Hearing:
    book: HearingBook
    store: ObjectStore
    desk: Desk

    async def page(self, query: Query) -> list[Heard]:
        return await self.book.page(query)

    async def evidence(
        self, process_id: str, aspirant_id: str, support_id: str, kind: EvidenceKind
    ) -> tuple[bytes, str]:
        """The image and its media type; only of a support that is the aspirant's and heard."""
        if await self.book.heard(process_id, aspirant_id, support_id) is None:
            raise NotHeard(support_id)
        key = await self.book.object_key(support_id, kind)
        if key is None:
            raise NotHeard(kind)
        try:
            return await self.store.get(key), content_type(key)
        except ObjectNotFound:
            raise NotHeard(kind) from None

    async def contest(
        self, process_id: str, aspirant_id: str, support_id: str, argument: str, by: str
    ) -> Heard:
        """Refer the support to the desk (cause AUDIENCIA) with the written argument: the
        desk's referral is the contest, one per support."""
        if await self.book.heard(process_id, aspirant_id, support_id) is None:
            raise NotHeard(support_id)
        referral = Referral(support_id, Cause.AUDIENCIA, by, argument.strip())
        try:
            taken = await self.desk.refer(referral)
        except NotRecorded:
            raise NotHeard(support_id) from None
        except Exception as failure:
            log.warning("contest_not_referred", error=type(failure).__name__)
            raise DeskUnavailable(support_id) from failure
        if not taken:
            raise AlreadyContested(support_id)
        heard = await self.book.heard(process_id, aspirant_id, support_id)
        assert heard is not None
        return heard
