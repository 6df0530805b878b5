"""Thin handlers: a message in, a letter posted, the outcome passed on."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TypeGuard

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
from apoyo_notification.ports import Kept, Outcomes
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
        await self.on_verified_many([raw])

    async def on_verified_many(self, raws: list[bytes]) -> None:
        """A batch in order: its supports' outcomes read in one query and recorded in one
        statement, its `support.notified` events handed over together after it. Once per
        outcome: a redelivery (or an older outcome replayed) passes on what was recorded; a
        revised outcome (a later `verified_at`) is mailed anew."""
        verdicts = [SupportVerified.model_validate_json(raw) for raw in raws]
        known = await self.outcomes.latest({v.support_id for v in verdicts})
        made: dict[str, tuple[SupportNotified, datetime]] = {}
        passed = []
        for verified in verdicts:
            latest = known.get(verified.support_id)
            if replayed(latest, verified):
                metrics.REDELIVERED.labels(SERVICE, SUPPORT_NOTIFIED).inc()
                passed.append(latest[0])
                continue
            notified = await self.mailed(verified)
            known[verified.support_id] = made[verified.support_id] = (
                notified, verified.verified_at
            )  # fmt: skip
            passed.append(notified)
        kept = await self.outcomes.record(list(made.values()))
        # A later outcome recorded meanwhile (another replica's) is what its support passes on.
        overtaken = {s for s, (n, _) in made.items() if kept[s] is not n}
        held = HeldPublisher()
        for n in passed:
            n = kept[n.support_id] if n.support_id in overtaken else n
            await held.publish(SUPPORT_NOTIFIED, n.citizen_key.encode(), n)
        await held.hand_over(self.publisher)
        metrics.MESSAGES_OUT.labels(SERVICE, SUPPORT_NOTIFIED).inc(len(passed))

    async def mailed(self, verified: SupportVerified) -> SupportNotified:
        letter = compose.outcome(verified)
        if letter is not None:
            await self.postman.post(letter)
        return notify(verified, self.clock(), messages_sent=int(letter is not None))

    async def on_invitation(self, raw: bytes) -> None:
        await self.postman.post(compose.invitation(InvitationCreated.model_validate_json(raw)))

    async def on_email_code(self, raw: bytes) -> None:
        await self.postman.post(compose.email_code(EmailCodeRequested.model_validate_json(raw)))

    async def on_process(self, raw: bytes) -> None:
        await self.tallies.save_process(ProcessDefinition.model_validate_json(raw))


def replayed(latest: Kept | None, verified: SupportVerified) -> TypeGuard[Kept]:
    """An outcome as old as the one kept, or older, was notified already."""
    return latest is not None and latest[1] is not None and latest[1] >= verified.verified_at
