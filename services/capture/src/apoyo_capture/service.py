"""The capture service layer: accept a support once, durably, or refuse it with a reason."""

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from apoyo_capture.domain import (
    REQUIRED_EVIDENCE,
    EvidenceFile,
    SupportRequest,
    captured_event,
    fingerprint,
)
from apoyo_capture.ports import CaptureRepository, IdempotencyRace, StoredAnswer, SupportView
from apoyo_common.codes import Channel, EvidenceKind, Role
from apoyo_common.messages import SupportCaptured
from apoyo_common.processes import ProcessDefinition
from apoyo_common.storage import ObjectStore
from apoyo_common.tokens import Principal

CHANNELS_BY_ROLE = {
    Role.AUXILIARY: {Channel.AUXILIAR, Channel.CEDULA_PAPEL},
    Role.CITIZEN: {Channel.AUTOSERVICIO},
}


class Refused(Exception):
    """A request the service will not take; `status` and `code` reach the client."""

    def __init__(self, status: int, code: str, detail: str | dict[str, Any]) -> None:
        super().__init__(code)
        self.status, self.code, self.detail = status, code, detail


def authorize_capture(principal: Principal, request: SupportRequest) -> None:
    allowed = CHANNELS_BY_ROLE.get(principal.role)
    if allowed is None:
        raise Refused(403, "forbidden", "este rol no puede registrar apoyos")
    if request.channel not in allowed:
        raise Refused(403, "forbidden", f"el canal {request.channel.value} no corresponde al rol")
    if principal.process_id not in (None, request.process_id):
        raise Refused(403, "forbidden", "el token es de otro proceso")
    if principal.aspirant_id not in (None, request.aspirant_id):
        raise Refused(403, "forbidden", "el token es de otro aspirante")


def check_evidence(process: ProcessDefinition, files: list[EvidenceFile]) -> None:
    kinds = {f.kind for f in files}
    required = set(REQUIRED_EVIDENCE)
    if process.require_selfie:
        required.add(EvidenceKind.SELFIE)
    missing = sorted(k.value for k in required - kinds)
    if missing:
        raise Refused(422, "missing_file", f"faltan archivos: {', '.join(missing)}")


@dataclass
class CaptureService:
    repository: CaptureRepository
    store: ObjectStore
    clock: Callable[[], datetime]
    on_stored: Callable[[], None] = lambda: None

    async def accept(
        self, principal: Principal, key: str, request: SupportRequest, files: list[EvidenceFile]
    ) -> StoredAnswer:
        authorize_capture(principal, request)
        await self._check_process(request, files)
        print_ = fingerprint(request, files)
        prior = await self._prior(principal, key, print_)
        if prior is not None:
            return prior
        event = captured_event(
            support_id=str(uuid.uuid4()),
            request=request,
            files=files,
            captured_by=principal.subject,
            received_at=self.clock(),
        )
        return await self._store(principal, key, print_, event, files)

    async def _check_process(self, request: SupportRequest, files: list[EvidenceFile]) -> None:
        process = await self.repository.process(request.process_id)
        if process is None:
            raise Refused(422, "unknown_process", "el proceso no existe")
        if not process.has_aspirant(request.aspirant_id):
            raise Refused(422, "unknown_aspirant", "el aspirante no pertenece al proceso")
        check_evidence(process, files)

    async def _prior(self, principal: Principal, key: str, print_: str) -> StoredAnswer | None:
        prior = await self.repository.answer_for(principal.subject, key)
        if prior is not None and prior.fingerprint != print_:
            raise Refused(
                409, "idempotency_conflict", "la clave de idempotencia ya se usó con otro contenido"
            )
        return prior

    async def _store(
        self,
        principal: Principal,
        key: str,
        print_: str,
        event: SupportCaptured,
        files: list[EvidenceFile],
    ) -> StoredAnswer:
        # Objects first: a support row never points at evidence that is not there.
        for ref, evidence in zip(event.evidence, files, strict=True):
            await self.store.put(ref.object_key, evidence.data, evidence.content_type)
        try:
            answer = await self.repository.save_support(event, principal.subject, key, print_)
        except IdempotencyRace:
            for ref in event.evidence:
                await self.store.delete(ref.object_key)
            winner = await self._prior(principal, key, print_)
            assert winner is not None
            return winner
        self.on_stored()
        return answer

    async def view(self, principal: Principal, support_id: str) -> SupportView:
        view = await self.repository.support(support_id)
        if view is None:
            raise Refused(404, "not_found", "no existe ese apoyo")
        if principal.role is Role.OPLE:
            return view
        if (
            principal.role is Role.ASPIRANT
            and principal.aspirant_id == view.aspirant_id
            and principal.process_id in (None, view.process_id)
        ):
            return view
        raise Refused(403, "forbidden", "no tiene acceso a este apoyo")
