"""The outbox relay: moves stored events to Kafka, in order, until none is pending.

An acknowledged support is in the outbox table before the 202; the relay keeps trying while
Kafka is away, so nothing acknowledged is lost. A crash between the publish and the mark
republishes the event, which every consumer treats as a redelivery.
"""

import asyncio
from dataclasses import dataclass, field
from typing import Protocol

from apoyo_capture.ports import CaptureRepository
from apoyo_common import metrics
from apoyo_common.delivery import describe
from apoyo_common.logs import get_logger

log = get_logger(__name__)


class RawPublisher(Protocol):
    async def publish_raw(self, topic: str, key: bytes, payload: bytes) -> None: ...


@dataclass
class OutboxRelay:
    repository: CaptureRepository
    publisher: RawPublisher
    interval_s: float = 0.5
    batch: int = 100
    wake: asyncio.Event = field(default_factory=asyncio.Event)

    def nudge(self) -> None:
        self.wake.set()

    async def relay_once(self) -> int:
        """Publish one batch; return how many went out."""
        items = await self.repository.claim_outbox(self.batch)
        done: list[int] = []
        try:
            for item in items:
                await self.publisher.publish_raw(item.topic, item.key, item.payload)
                done.append(item.id)
                metrics.MESSAGES_OUT.labels("capture", item.topic).inc()
        finally:
            if done:
                await self.repository.mark_published(done)
        metrics.OUTBOX_PENDING.labels("capture").observe(len(items))
        return len(done)

    async def drain(self) -> None:
        while await self.relay_once():
            pass

    async def run_forever(self) -> None:
        while True:
            try:
                await self.drain()
            except Exception as error:
                log.warning("outbox_publish_failed", error=describe(error))
            try:
                await asyncio.wait_for(self.wake.wait(), timeout=self.interval_s)
            except TimeoutError:
                pass
            self.wake.clear()
