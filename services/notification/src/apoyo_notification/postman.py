"""Sending with the delivery log: the intent is recorded before the send and the result after,
so an event redelivered finds its letter settled and sends nothing, and a failed send is
tried again later, with backoff, until it goes out or the attempts run out.

The window that remains: a crash after the server accepted a letter and before SENT was
recorded leaves it SENDING; when its lease runs out it is sent again, under the same
`Message-ID`, which receiving systems use to drop the copy (docs/notification.md).
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from apoyo_common import metrics
from apoyo_common.delivery import describe
from apoyo_common.logs import get_logger
from apoyo_common.ratelimit import TokenBuckets
from apoyo_notification.letters import Claim, Letter
from apoyo_notification.mime import to_email
from apoyo_notification.ports import MailLog, Sender, State

log = get_logger(__name__)


@dataclass(frozen=True)
class Backoff:
    attempts: int = 8
    base_s: float = 30.0
    max_s: float = 6 * 3600.0
    lease_s: float = 300.0  # longer than any SMTP exchange: a claim older than this is lost

    def after(self, attempt: int) -> timedelta:
        return timedelta(seconds=min(self.max_s, self.base_s * 2 ** (attempt - 1)))


@dataclass
class Postman:
    log: MailLog
    sender: Sender
    limits: TokenBuckets
    clock: Callable[[], datetime]
    sender_address: str
    backoff: Backoff = Backoff()

    async def post(self, letter: Letter) -> None:
        """Record the letter once and try it now; a redelivered event's letter is not sent
        again (it is settled, or in the hands of an attempt or of the retries)."""
        now = self.clock()
        if not await self.log.record(letter, now):
            log.info("mail_already_recorded", message_id=letter.message_id, kind=letter.kind)
        claim = await self.log.claim(letter.message_id, now, self._lease(now))
        if claim is not None:
            await self.attempt(claim)

    async def retry_due(self, limit: int = 100) -> int:
        """Attempt the letters whose retry is due; how many were claimed."""
        now = self.clock()
        claims = await self.log.claim_due(now, self._lease(now), limit)
        for claim in claims:
            await self.attempt(claim)
        return len(claims)

    async def attempt(self, claim: Claim) -> State:
        letter, now = claim.letter, self.clock()
        if letter.expires_at is not None and letter.expires_at <= now:
            return await self._settle(letter, State.EXPIRED)
        wait = self.limits.take(letter.domain)
        if wait > 0:
            await self.log.put_back(letter.message_id, now + timedelta(seconds=wait))
            metrics.MAIL.labels(letter.kind.value, State.PENDING.value).inc()
            return State.PENDING
        try:
            await self.sender.send(to_email(letter, self.sender_address, now))
        except Exception as error:
            return await self._failed(claim, describe(error))
        return await self._settle(letter, State.SENT)

    async def _failed(self, claim: Claim, error: str) -> State:
        letter = claim.letter
        fields = {"message_id": letter.message_id, "kind": letter.kind, "domain": letter.domain}
        log.warning("mail_failed", attempt=claim.attempt, error=error, **fields)
        metrics.MAIL.labels(letter.kind.value, State.FAILED.value).inc()
        retry_at = self.clock() + self.backoff.after(claim.attempt)
        await self.log.failed(letter.message_id, error, retry_at)
        if claim.attempt >= self.backoff.attempts:
            return await self._settle(letter, State.ABANDONED)
        return State.FAILED

    async def _settle(self, letter: Letter, state: State) -> State:
        await self.log.settle(letter.message_id, state, self.clock())
        fields = {"message_id": letter.message_id, "kind": letter.kind, "domain": letter.domain}
        log.info("mail_" + state.lower(), **fields)
        metrics.MAIL.labels(letter.kind.value, state.value).inc()
        return state

    def _lease(self, now: datetime) -> datetime:
        return now + timedelta(seconds=self.backoff.lease_s)
