"""The auxiliaries register: the institute or an aspirant registers them (FURA), revokes them,
and sees how many supports each captured."""

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from apoyo_capture.access import require_aspirant
from apoyo_capture.auxiliaries import Auxiliary, AuxiliaryCount, AuxiliaryForm, subject_of
from apoyo_capture.guards import UPLOAD_GRACE
from apoyo_capture.invitations import known_aspirant
from apoyo_capture.ports import AuxiliaryTaken, ChannelRepository
from apoyo_capture.refusals import Refused
from apoyo_common.codes import Role
from apoyo_common.tokens import Keys, Principal, issue


@dataclass(frozen=True)
class Registered:
    auxiliary: Auxiliary
    token: str
    expires_at: datetime


@dataclass
class AuxiliaryRegistry:
    repository: ChannelRepository
    clock: Callable[[], datetime]
    token_secret: Keys  # the token keyring (or one secret)

    async def register(
        self, principal: Principal, process_id: str, aspirant_id: str, form: AuxiliaryForm
    ) -> Registered:
        require_aspirant(principal, process_id, aspirant_id)
        process = await known_aspirant(self.repository, process_id, aspirant_id)
        now = self.clock()
        # The token lasts as long as the capture can: the window and its upload grace.
        expires = process.capture.end + UPLOAD_GRACE
        if expires <= now:
            raise Refused.of("capture_closed")
        auxiliary = Auxiliary(
            str(uuid.uuid4()), process_id, aspirant_id, form, principal.subject, now
        )
        try:
            await self.repository.add_auxiliary(auxiliary)
        except AuxiliaryTaken:
            raise Refused.of("auxiliary_taken") from None
        return Registered(auxiliary, self.token_for(auxiliary, expires - now), expires)

    def token_for(self, auxiliary: Auxiliary, ttl: timedelta) -> str:
        who = Principal(
            Role.AUXILIARY,
            subject_of(auxiliary.auxiliary_id),
            auxiliary.process_id,
            auxiliary.aspirant_id,
        )
        return issue(self.token_secret, who, ttl)

    async def revoke(self, principal: Principal, auxiliary_id: str) -> Auxiliary:
        found = await self.repository.auxiliary(auxiliary_id)
        if found is None:
            raise Refused(404, "not_found", "no existe ese auxiliar")
        require_aspirant(principal, found.process_id, found.aspirant_id)
        revoked = await self.repository.revoke_auxiliary(auxiliary_id, self.clock())
        assert revoked is not None
        return revoked

    async def counts(
        self, principal: Principal, process_id: str, aspirant_id: str
    ) -> list[AuxiliaryCount]:
        require_aspirant(principal, process_id, aspirant_id)
        await known_aspirant(self.repository, process_id, aspirant_id)
        return await self.repository.auxiliary_counts(process_id, aspirant_id)
