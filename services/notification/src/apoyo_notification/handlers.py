"""Thin handlers: a message in, a letter posted, the outcome passed on."""

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime

from apoyo_common import metrics
from apoyo_common.messages import (
    EmailCodeRequested,
    InvitationCreated,
    SupportNotified,
    SupportVerified,
)
from apoyo_common.processes import ProcessDefinition
from apoyo_common.publishing import HeldPublisher, Publisher
from apoyo_common.topics import SUPPORT_NOTIFIED
from apoyo_notification import compose
from apoyo_notification.domain import notify
from apoyo_notification.ports import Outcomes
from apoyo_notification.postman import Postman
from apoyo_notification.summaries import Tallies

SERVICE = "notification"


@dataclass(frozen=True)
class Handlers:
    postman: Postman
    outcomes: Outcomes
    publisher: Publisher
    clock: Callable[[], datetime]
    tallies: Tallies

    async def on_verified(self, raw: bytes) -> None:
        notified = await self.outcome(SupportVerified.model_validate_json(raw))
        await self.publisher.publish(SUPPORT_NOTIFIED, notified.citizen_key.encode(), notified)
        metrics.MESSAGES_OUT.labels(SERVICE, SUPPORT_NOTIFIED).inc()

    async def on_verified_many(self, raws: list[bytes]) -> None:
        """A batch in order, its `support.notified` events handed over together after it."""
        held = HeldPublisher()
        alone = replace(self, publisher=held)
        for raw in raws:
            await alone.on_verified(raw)
        await held.hand_over(self.publisher)

    async def outcome(self, verified: SupportVerified) -> SupportNotified:
        """Once per outcome: a redelivery (or an older outcome replayed) gets what was
        recorded; a revised outcome (a later `verified_at`) is mailed and recorded anew."""
        latest = await self.outcomes.latest(verified.support_id)
        if latest is not None and latest[1] is not None and latest[1] >= verified.verified_at:
            metrics.REDELIVERED.labels(SERVICE, SUPPORT_NOTIFIED).inc()
            return latest[0]
        letter = compose.outcome(verified)
        if letter is not None:
            await self.postman.post(letter)
        notified = notify(verified, self.clock(), messages_sent=int(letter is not None))
        return await self.outcomes.record(notified, verified.verified_at)

    async def on_invitation(self, raw: bytes) -> None:
        await self.postman.post(compose.invitation(InvitationCreated.model_validate_json(raw)))

    async def on_email_code(self, raw: bytes) -> None:
        await self.postman.post(compose.email_code(EmailCodeRequested.model_validate_json(raw)))

    async def on_process(self, raw: bytes) -> None:
        await self.tallies.save_process(ProcessDefinition.model_validate_json(raw))
