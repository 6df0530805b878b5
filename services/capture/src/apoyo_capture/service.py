"""The capture service layer: accept a support once, durably, or refuse it with a reason."""

import asyncio
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from apoyo_capture import auxiliaries, cedulas, grants
from apoyo_capture.certificate import Submission
from apoyo_capture.consent import consent_sha256
from apoyo_capture.domain import (
    REQUIRED_EVIDENCE,
    EvidenceFile,
    SupportRequest,
    captured_event,
    fingerprint,
)
from apoyo_capture.grants import Grant
from apoyo_capture.guards import window_problem
from apoyo_capture.ports import (
    CaptureRepository,
    GrantSpent,
    IdempotencyRace,
    StoredAnswer,
    SupportView,
)
from apoyo_capture.recent_processes import RecentProcesses
from apoyo_capture.refusals import Refused, refuse_if
from apoyo_common.codes import Channel, EvidenceKind, Role
from apoyo_common.messages import SupportCaptured
from apoyo_common.processes import ProcessDefinition
from apoyo_common.revocation import RevocationList
from apoyo_common.roles import may_act_for
from apoyo_common.storage import ObjectStore
from apoyo_common.tokens import Principal

CHANNELS_BY_ROLE = {
    Role.AUXILIARY: {Channel.AUXILIAR, Channel.CEDULA_PAPEL},
    Role.CITIZEN: {Channel.AUTOSERVICIO},
}


__all__ = ["CaptureService", "Refused"]


@dataclass(frozen=True)
class Stored:
    """What one support stores: its event and evidence, what the request told, the grant's
    token to spend, and its signed certificate."""

    event: SupportCaptured
    files: list[EvidenceFile]
    submission: Submission
    spend: str | None
    certificate: bytes | None

    def objects(self) -> list[tuple[str, bytes, str]]:
        """(key, bytes, content type) of every object: the evidence. The certificate has no
        copy in object storage: `support.captured` carries it (version 2) to export."""
        return [
            (ref.object_key, f.data, f.content_type)
            for ref, f in zip(self.event.evidence, self.files, strict=True)
        ]


@dataclass(frozen=True)
class Caller:
    """Who sends a support, beyond the token's claims: the request's own facts."""

    principal: Principal
    token_sha256: str = ""
    ip: str | None = None
    user_agent: str | None = None


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
    # Signs the certificate of a support about to be stored (CertificateService.make).
    certify: Callable[[SupportCaptured, Submission, Grant | None], bytes] | None = None
    revocations: RevocationList | None = None  # read again here if older than its max age
    processes: RecentProcesses | None = None  # definitions kept a second; None: read each time

    async def accept(
        self,
        principal: Principal | Caller,
        key: str,
        request: SupportRequest,
        files: list[EvidenceFile],
    ) -> StoredAnswer:
        caller = principal if isinstance(principal, Caller) else Caller(principal)
        who = caller.principal
        authorize_capture(who, request)
        await self._check_revoked(who)
        await self._check_auxiliary(who, request)
        process = await self._check_process(request, files)
        await cedulas.check_scan(request, files)
        consent = consent_sha256(process, request.aspirant_id)
        if request.consent_sha256 not in (None, consent):
            raise Refused.of("consent_mismatch")
        print_ = fingerprint(request, files)
        now = self.clock()
        try:
            refuse_if(window_problem(process.capture, request.captured_at, now))
            grant = await self._check_grant(caller, now)
        except Refused:  # a retry gets its answer even once the window closed or grant spent
            prior = await self._prior(who, key, print_)
            if prior is not None:
                return prior
            raise
        grant_id = None if grant is None else grant.grant_id
        event = captured_event(
            support_id=str(uuid.uuid4()),
            request=request,
            files=files,
            captured_by=who.subject,
            received_at=now,
        )
        submission = Submission(caller.ip, caller.user_agent, consent, grant_id)
        spend = caller.token_sha256 if grant_id else None
        certificate = None if self.certify is None else self.certify(event, submission, grant)
        stored = Stored(event, files, submission, spend, certificate)
        return await self._store(who, key, print_, stored)

    async def _check_revoked(self, principal: Principal) -> None:
        """The request's token passed a list that may be a little old: storing needs a fresh one."""
        if self.revocations is not None:
            await self.revocations.fresh()
            if self.revocations.is_revoked(principal):
                raise Refused(401, "token_revoked", "este token fue revocado")

    async def _check_auxiliary(self, principal: Principal, request: SupportRequest) -> None:
        """A registered auxiliary's token works while the registration stands (one lookup)."""
        auxiliary_id = auxiliaries.auxiliary_id_of(principal.subject)
        if principal.role is Role.AUXILIARY and auxiliary_id is not None:
            found = await self.repository.auxiliary(auxiliary_id)
            refuse_if(auxiliaries.capture_problem(found, request.aspirant_id))

    async def _check_grant(self, caller: Caller, now: datetime) -> Grant | None:
        """A citizen's token must name an unspent grant; it is spent when the support is stored."""
        if caller.principal.role is not Role.CITIZEN:
            return None
        grant_id = grants.grant_id_of(caller.principal.subject)
        if grant_id is None:
            raise Refused.of("token_invalid")
        grant = await self.repository.grant(grant_id)
        refuse_if(grants.spend_problem(grant, caller.token_sha256, now))
        assert grant is not None  # spend_problem refuses a missing grant
        return grant

    async def _check_process(
        self, request: SupportRequest, files: list[EvidenceFile]
    ) -> ProcessDefinition:
        read = self.repository.process if self.processes is None else self.processes.get
        process = await read(request.process_id)
        if process is None:
            raise Refused(422, "unknown_process", "el proceso no existe")
        if not process.has_aspirant(request.aspirant_id):
            raise Refused(422, "unknown_aspirant", "el aspirante no pertenece al proceso")
        check_evidence(process, files)
        return process

    async def _prior(self, principal: Principal, key: str, print_: str) -> StoredAnswer | None:
        prior = await self.repository.answer_for(principal.subject, key)
        if prior is not None and prior.fingerprint != print_:
            raise Refused(
                409, "idempotency_conflict", "la clave de idempotencia ya se usó con otro contenido"
            )
        return prior

    async def _store(
        self, principal: Principal, key: str, print_: str, stored: "Stored"
    ) -> StoredAnswer:
        # Objects first: a support row never points at evidence that is not there. Uploaded
        # together: each is a round trip to the store, and the request waits for the last.
        # A retry is found here, by its key's row, not by a lookup before: nearly every
        # request is a first one, and the lookup was a round trip to PostgreSQL each. A
        # retry's objects (under its own new support id) are removed again.
        objects = stored.objects()
        await asyncio.gather(*(self.store.put(*o) for o in objects))
        try:
            answer = await self.repository.save_support(
                stored.event, principal.subject, key, print_, stored.submission, stored.spend,
                stored.certificate,
            )  # fmt: skip
        except (IdempotencyRace, GrantSpent):
            for object_key, _, _ in objects:
                await self.store.delete(object_key)
            winner = await self._prior(principal, key, print_)
            if winner is None:  # the grant went to another submission
                raise Refused.of("token_used") from None
            return winner
        self.on_stored()
        return answer

    async def view(self, principal: Principal, support_id: str) -> SupportView:
        view = await self.repository.support(support_id)
        if view is None:
            raise Refused(404, "not_found", "no existe ese apoyo")
        if may_act_for(principal, view.process_id, view.aspirant_id):
            return view
        raise Refused(403, "forbidden", "no tiene acceso a este apoyo")
