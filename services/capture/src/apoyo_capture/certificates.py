"""Serving certificates: made and signed once, on first request, then served as stored."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from apoyo_capture.access import can_act_for
from apoyo_capture.certificate import certificate_body, sign_certificate
from apoyo_capture.grants import grant_id_of
from apoyo_capture.ports import ChannelRepository
from apoyo_capture.refusals import Refused
from apoyo_common.codes import Role
from apoyo_common.signing import public_pem
from apoyo_common.tokens import Principal


@dataclass
class CertificateService:
    repository: ChannelRepository
    clock: Callable[[], datetime]
    key: Ed25519PrivateKey

    def public_key_pem(self) -> bytes:
        return public_pem(self.key.public_key())

    async def document(self, principal: Principal, support_id: str) -> bytes:
        facts = await self.repository.certificate_facts(support_id)
        if facts is None:
            raise Refused(404, "not_found", "no existe ese apoyo")
        event, submission, grant = facts
        own_receipt = (
            principal.role is Role.CITIZEN
            and submission.grant_id is not None
            and grant_id_of(principal.subject) == submission.grant_id
        )
        if not (own_receipt or can_act_for(principal, event.process_id, event.aspirant_id)):
            raise Refused(403, "forbidden", "no tiene acceso a este apoyo")
        stored = await self.repository.certificate(support_id)
        if stored is not None:
            return stored
        body = certificate_body(event, submission, grant, self.clock())
        return await self.repository.save_certificate(support_id, sign_certificate(body, self.key))
