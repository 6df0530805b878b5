"""Events and fakes shared by the notification unit tests."""

import time
from datetime import datetime, timedelta

from apoyo_common.codes import Status
from apoyo_common.messages import EmailCodeRequested, InvitationCreated, SupportVerified
from apoyo_common.publishing import RecordingPublisher
from apoyo_common.ratelimit import TokenBuckets
from apoyo_notification.adapters.memory import (
    MemoryMailLog,
    MemoryOutcomes,
    MemorySender,
    MemoryTallies,
)
from apoyo_notification.handlers import Handlers
from apoyo_notification.postman import Backoff, Postman
from tests.factories import NOW, captured, identity_decoded, verified

FROM = "Apoyo Ciudadano <no-responder@ople.example.mx>"


def invitation(email: str = "persona@example.org", name: str = "Ana Pérez") -> InvitationCreated:
    return InvitationCreated(
        invitation_id="inv-1",
        process_id="p-1",
        aspirant_id="a-1",
        aspirant_name=name,
        email=email,
        link="https://apoyo.example.mx/i/abc?x=1&y=2",
        expires_at=NOW + timedelta(days=2),
    )


def code_request(email: str = "persona@example.org") -> EmailCodeRequested:
    return EmailCodeRequested(
        request_id="req-1",
        process_id="p-1",
        aspirant_id="a-1",
        aspirant_name="Ana Pérez",
        email=email,
        code="482913",
        expires_at=NOW + timedelta(minutes=15),
    )


def outcome(
    status: Status = Status.EN_LISTA_NOMINAL,
    reasons: tuple[str, ...] = (),
    at: datetime = NOW,
    support_id: str = "s-1",
) -> SupportVerified:
    event = verified(identity_decoded(captured(support_id)), at, status)
    return event.model_copy(update={"reasons": reasons})


class Clock:
    def __init__(self, start: datetime = NOW) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


def postman(
    sender: MemorySender | None = None,
    clock: Clock | None = None,
    limits: TokenBuckets | None = None,
    attempts: int = 3,
) -> Postman:
    return Postman(
        MemoryMailLog(),
        sender or MemorySender(),
        limits or TokenBuckets(0.0, 1, time.monotonic),
        clock or Clock(),
        FROM,
        Backoff(attempts=attempts, base_s=10.0),
    )


def handlers(post: Postman) -> tuple[Handlers, RecordingPublisher]:
    publisher = RecordingPublisher()
    outcomes = MemoryOutcomes()
    tallies = MemoryTallies(outcomes=outcomes)
    return Handlers(post, outcomes, publisher, post.clock, tallies), publisher
