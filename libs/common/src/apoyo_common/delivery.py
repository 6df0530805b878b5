"""Bounded retries with backoff, then a dead-letter topic with the reason.

A poison message never blocks a partition: after the last attempt it is parked on the
dead-letter topic and the offset moves on. A message that cannot even be parsed is parked at
once, since retrying cannot help. An outage of a dependency (apoyo_common.outages) is not the
message's fault: it spends no attempt, and the message waits until the outage is over.
Reasons name the error, never the data: pydantic errors keep only field locations and error
types.
"""

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from pydantic import ValidationError

from apoyo_common import metrics
from apoyo_common.logs import get_logger, redact_text
from apoyo_common.messages import DeadLetter
from apoyo_common.outages import is_outage
from apoyo_common.publishing import Publisher
from apoyo_common.topics import dead_letter_topic

log = get_logger(__name__)
OUTAGE_WAIT_S = 2.0  # the longest wait between tries while a dependency is out


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 5
    base_delay_s: float = 0.2
    max_delay_s: float = 10.0

    def delay(self, attempt: int) -> float:
        return float(min(self.max_delay_s, self.base_delay_s * 2 ** (attempt - 1)))


def describe(error: BaseException) -> str:
    if isinstance(error, ValidationError):
        fields = sorted({".".join(map(str, e["loc"])) + ":" + e["type"] for e in error.errors()})
        return f"ValidationError({', '.join(fields)})"
    return redact_text(f"{type(error).__name__}: {error}")[:500]


@dataclass(frozen=True)
class Delivery:
    service: str
    topic: str
    policy: RetryPolicy
    publisher: Publisher

    async def run(self, raw: bytes, key: bytes, handle: Callable[[bytes], Awaitable[None]]) -> None:
        metrics.MESSAGES_IN.labels(self.service, self.topic).inc()
        await self._attempts(raw, key, handle)

    async def run_batch(
        self,
        messages: list[tuple[bytes, bytes]],
        handle_many: Callable[[list[bytes]], Awaitable[None]],
        handle_one: Callable[[bytes], Awaitable[None]],
    ) -> None:
        """A batch in one call; if that fails, each message alone with its own retries and
        dead letter, so one poison message never holds back the others."""
        metrics.MESSAGES_IN.labels(self.service, self.topic).inc(len(messages))
        started = time.perf_counter()
        try:
            await handle_many([raw for raw, _ in messages])
        except Exception as error:
            log.warning("batch_failed", topic=self.topic, size=len(messages), error=describe(error))
        else:
            metrics.HANDLER_SECONDS.labels(self.service, self.topic).observe(
                time.perf_counter() - started
            )
            return
        for raw, key in messages:
            await self._attempts(raw, key, handle_one)

    async def _attempts(
        self, raw: bytes, key: bytes, handle: Callable[[bytes], Awaitable[None]]
    ) -> None:
        attempt, outages = 1, 0
        while True:
            started = time.perf_counter()
            try:
                await handle(raw)
            except ValidationError as error:
                return await self._park(raw, key, error, attempt)
            except Exception as error:
                metrics.FAILURES.labels(self.service, self.topic).inc()
                if is_outage(error):  # not the message's fault: wait, spend no attempt
                    outages += 1
                    await self._wait_out(error, outages)
                    continue
                log.warning(
                    "handler_failed", topic=self.topic, attempt=attempt, error=describe(error)
                )
                if attempt == self.policy.attempts:
                    return await self._park(raw, key, error, attempt)
                await asyncio.sleep(self.policy.delay(attempt))
                attempt += 1
            else:
                metrics.HANDLER_SECONDS.labels(self.service, self.topic).observe(
                    time.perf_counter() - started
                )
                return None

    async def _wait_out(self, error: BaseException, outages: int) -> None:
        """A dependency is down: keep the message (its offset stays uncommitted) and try again,
        backing off to a couple of seconds (so work resumes soon after), for as long as the
        outage lasts."""
        log.warning(
            "dependency_unavailable", topic=self.topic, waits=outages, error=describe(error)
        )
        await asyncio.sleep(min(OUTAGE_WAIT_S, self.policy.delay(min(outages, 30))))

    async def _park(self, raw: bytes, key: bytes, error: BaseException, attempts: int) -> None:
        letter = DeadLetter(
            source_topic=self.topic,
            service=self.service,
            payload=raw.decode("utf-8", errors="replace"),
            reason=describe(error),
            attempts=attempts,
            failed_at=datetime.now(UTC),
        )
        await self.publisher.publish(dead_letter_topic(self.topic), key, letter)
        metrics.DEAD_LETTERS.labels(self.service, self.topic).inc()
        log.error("dead_lettered", topic=self.topic, reason=letter.reason)
