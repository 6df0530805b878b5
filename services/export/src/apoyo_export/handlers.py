"""Thin handlers: an outcome kept (the latest) and passed on, a capture, a process or its
cells noted."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from apoyo_common import metrics
from apoyo_common.messages import ProcessCells, SupportCaptured, SupportNotified
from apoyo_common.processes import ProcessDefinition
from apoyo_common.publishing import HeldPublisher, Publisher
from apoyo_common.topics import SUPPORT_EXPORTED
from apoyo_export.domain import stage
from apoyo_export.ports import Processes, Records

SERVICE = "export"


@dataclass(frozen=True)
class Handlers:
    records: Records
    processes: Processes
    publisher: Publisher
    clock: Callable[[], datetime]

    async def on_notified(self, raw: bytes) -> None:
        notified = SupportNotified.model_validate_json(raw)
        staged = stage(notified, self.clock())
        kept = await self.records.keep(notified, staged)
        if kept != staged:  # a redelivery or an older revision: the kept outcome again
            metrics.REDELIVERED.labels(SERVICE, SUPPORT_EXPORTED).inc()
        await self.publisher.publish(SUPPORT_EXPORTED, kept.citizen_key.encode(), kept)
        metrics.MESSAGES_OUT.labels(SERVICE, SUPPORT_EXPORTED).inc()

    async def on_notified_many(self, raws: list[bytes]) -> None:
        """A batch kept in order in one transaction, its `support.exported` events handed
        over together after it."""
        now = self.clock()
        staged = [(n, stage(n, now)) for n in map(SupportNotified.model_validate_json, raws)]
        kept = await self.records.keep_many(staged)
        again = sum(k != s for k, (_, s) in zip(kept, staged, strict=True))
        if again:
            metrics.REDELIVERED.labels(SERVICE, SUPPORT_EXPORTED).inc(again)
        held = HeldPublisher([(SUPPORT_EXPORTED, k.citizen_key.encode(), k) for k in kept])
        await held.hand_over(self.publisher)
        metrics.MESSAGES_OUT.labels(SERVICE, SUPPORT_EXPORTED).inc(len(kept))

    async def on_captured_many(self, raws: list[bytes]) -> None:
        await self.records.captured_many([SupportCaptured.model_validate_json(r) for r in raws])

    async def on_captured(self, raw: bytes) -> None:
        await self.records.captured(SupportCaptured.model_validate_json(raw))

    async def on_process(self, raw: bytes) -> None:
        await self.processes.save(ProcessDefinition.model_validate_json(raw))

    async def on_cells(self, raw: bytes) -> None:
        await self.processes.save_cells(ProcessCells.model_validate_json(raw))
