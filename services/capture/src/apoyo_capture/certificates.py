"""Certificates: made and signed once, on reception (stored with the support and carried by
its `support.captured` to export; or on first request for a support stored without one,
whose copy goes to object storage, where export packs it), then served as stored."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from apoyo_capture.access import can_act_for
from apoyo_capture.certificate import Submission, certificate_body, sign_certificate
from apoyo_capture.grants import Grant, grant_id_of
from apoyo_capture.ports import ChannelRepository
from apoyo_capture.refusals import Refused
from apoyo_common.codes import Role
from apoyo_common.messages import SupportCaptured
from apoyo_common.signing import public_pem
from apoyo_common.storage import ObjectStore
from apoyo_common.storage.keys import certificate_key
from apoyo_common.tokens import Principal


@dataclass
class CertificateService:
    repository: ChannelRepository
    clock: Callable[[], datetime]
    key: Ed25519PrivateKey
    store: ObjectStore | None = None

    def public_key_pem(self) -> bytes:
        return public_pem(self.key.public_key())

    async def document(self, principal: Principal, support_id: str) -> bytes:
        facts = await self.repository.certificate_facts(support_id)
        if facts is None:
            raise Refused(404, "not_found", "no existe ese apoyo")
        event, submission, _ = facts
        own_receipt = (
            principal.role is Role.CITIZEN
            and submission.grant_id is not None
            and grant_id_of(principal.subject) == submission.grant_id
        )
        if not (own_receipt or can_act_for(principal, event.process_id, event.aspirant_id)):
            raise Refused(403, "forbidden", "no tiene acceso a este apoyo")
        return await self._issued(facts)

    def make(self, event: SupportCaptured, submission: Submission, grant: Grant | None) -> bytes:
        """A new signed certificate of these facts; storing it is the caller's part (capture
        stores it with the support, in the same transaction, and its event carries it)."""
        return sign_certificate(certificate_body(event, submission, grant, self.clock()), self.key)

    async def issue(self, support_id: str) -> bytes:
        """The support's certificate, made the first time (on reception) and stored."""
        facts = await self.repository.certificate_facts(support_id)
        if facts is None:
            raise Refused(404, "not_found", "no existe ese apoyo")
        return await self._issued(facts)

    async def _issued(self, facts: tuple[SupportCaptured, Submission, Grant | None]) -> bytes:
        event = facts[0]
        stored = await self.repository.certificate(event.support_id)
        if stored is not None:
            return stored
        document = self.make(*facts)
        stored = await self.repository.save_certificate(event.support_id, document)
        if self.store is not None and stored == document:  # the one who made it copies it
            key = certificate_key(event.process_id, event.support_id)
            await self.store.put(key, stored, "application/json")
        return stored
