"""Wiring of the notification service: the delivery log in PostgreSQL, a sender chosen by the
settings (SMTP, or a folder of `.eml` files), four subscriptions, the retry loop and the
daily summaries."""

import asyncio
import time
from collections.abc import Awaitable, Callable

from apoyo_common.delivery import describe
from apoyo_common.kafka import TRICKLE
from apoyo_common.logs import get_logger
from apoyo_common.ratelimit import TokenBuckets
from apoyo_common.runtime import Infrastructure, ServiceUnit, consume, consume_batch
from apoyo_common.settings import Settings
from apoyo_common.topics import (
    EMAIL_CODE_REQUESTED,
    INVITATION_CREATED,
    PROCESS_DEFINED,
    SUPPORT_VERIFIED,
)
from apoyo_notification.adapters.folder import FolderSender
from apoyo_notification.adapters.postgres import PgMailLog, PgOutcomes
from apoyo_notification.adapters.smtp import SmtpSender
from apoyo_notification.adapters.tallies import PgTallies
from apoyo_notification.handlers import SERVICE, Handlers
from apoyo_notification.ports import Sender
from apoyo_notification.postman import Backoff, Postman
from apoyo_notification.summaries import DailySummaries

log = get_logger(__name__)
BATCH = 200  # `support.verified` a poll hands over at most


def sender_for(settings: Settings) -> Sender:
    if settings.mail_sender == "folder":
        return FolderSender(settings.mail_dir)
    return SmtpSender.from_settings(settings)


def postman_for(infra: Infrastructure, sender: Sender) -> Postman:
    s = infra.settings
    limits = TokenBuckets(s.mail_rate_per_s, s.mail_rate_burst, time.monotonic)
    backoff = Backoff(s.mail_max_attempts, s.mail_retry_base_s)
    log = PgMailLog(infra.pool, infra.keyring)
    return Postman(log, sender, limits, infra.clock, s.mail_from, backoff)


async def every(seconds: float, name: str, work: Callable[[], Awaitable[object]]) -> None:
    while True:
        try:
            await work()
        except Exception as error:  # the database away for a moment: try again next round
            log.warning(name, error=describe(error))
        await asyncio.sleep(seconds)


def build(infra: Infrastructure, sender: Sender | None = None) -> ServiceUnit:
    s = infra.settings
    postman = postman_for(infra, sender or sender_for(s))
    tallies = PgTallies(infra.pool)
    handlers = Handlers(postman, PgOutcomes(infra.pool), infra.publisher, infra.clock, tallies)
    daily = DailySummaries(tallies, postman, infra.clock, s.summary_recipients, s.summary_hour)
    tasks = (
        lambda: every(s.mail_poll_s, "mail_retry_failed", postman.retry_due),
        lambda: every(600.0, "mail_summary_failed", daily.post_due),
    )
    unit = ServiceUnit(SERVICE, "apoyo_notification", tasks=tasks)
    unit.extra.update(postman=postman, daily=daily)
    # In batches, even at a trickle: one fetch, one offset commit and one produce request a
    # batch instead of a message (a failed batch is handled again one by one).
    verified = (handlers.on_verified_many, handlers.on_verified)
    consume_batch(infra, unit, SUPPORT_VERIFIED, *verified, BATCH, TRICKLE)
    consume(infra, unit, INVITATION_CREATED, handlers.on_invitation)
    consume(infra, unit, EMAIL_CODE_REQUESTED, handlers.on_email_code)
    consume(infra, unit, PROCESS_DEFINED, handlers.on_process)
    return unit
