"""An aspirant's supports as the portal shows them: pages of the list, one support with its
typed data and evidence, and each image. Only the institute and that aspirant get past the
first check, made before anything is read, so another aspirant learns nothing."""

from dataclasses import dataclass

from apoyo_capture.access import require_aspirant
from apoyo_capture.invitations import known_aspirant
from apoyo_capture.listing import ListedSupport, SupportQuery
from apoyo_capture.ports import CaptureRepository, SupportView
from apoyo_capture.refusals import Refused
from apoyo_capture.service import CaptureService
from apoyo_common.codes import EvidenceKind
from apoyo_common.messages import SupportCaptured
from apoyo_common.storage import ObjectNotFound, ObjectStore
from apoyo_common.tokens import Principal


@dataclass(frozen=True)
class SupportRecord:
    view: SupportView
    captured: SupportCaptured


@dataclass
class SupportRecords:
    capture: CaptureService

    @property
    def repository(self) -> CaptureRepository:
        return self.capture.repository

    @property
    def store(self) -> ObjectStore:
        return self.capture.store

    async def page(self, principal: Principal, query: SupportQuery) -> list[ListedSupport]:
        require_aspirant(principal, query.process_id, query.aspirant_id)
        await known_aspirant(self.repository, query.process_id, query.aspirant_id)
        return await self.repository.supports_page(query)

    async def record(self, principal: Principal, support_id: str) -> SupportRecord:
        view = await self.capture.view(principal, support_id)  # 404 or 403 before any data
        facts = await self.repository.certificate_facts(support_id)
        if facts is None:
            raise Refused(404, "not_found", "no existe ese apoyo")
        return SupportRecord(view, facts[0])

    async def evidence(self, principal: Principal, support_id: str, kind: str) -> tuple[bytes, str]:
        """One stored image of the support and its media type."""
        found = await self.record(principal, support_id)
        refs = [r for r in found.captured.evidence if r.kind.value == kind]
        if kind not in {k.value for k in EvidenceKind} or not refs:
            raise Refused(404, "not_found", "ese apoyo no tiene esa imagen")
        try:
            return await self.store.get(refs[0].object_key), refs[0].content_type
        except ObjectNotFound:
            # Gone from the store (purged, or lost beneath us): say so rather than fail.
            raise Refused(404, "not_found", "esa imagen ya no está guardada") from None
