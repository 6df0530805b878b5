"""A poll's supports decoded together: the same steps as `Stage.handle`, each done once for
the batch instead of once a support.

Their recorded outputs are looked up in one statement; the others are read and analysed
together (the reader holds a few supports' images at a time, the pool queues their
analyses) and, a few at a time in the batch's order as their analyses end, their pictures
admitted to the index in one statement and their outputs recorded in another (a picture sent
again within the batch is reuse, as it would be one support after the other); every output
is published together once all are recorded. When a support fails, or a message is not a
support, the others are still recorded before the failure is raised: the batch is then
delivered one support at a time (Delivery.run_batch), and those recorded only publish their
output again. The ledger keeps one output per support throughout.
"""

import asyncio
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

from pydantic import ValidationError

from apoyo_common import metrics
from apoyo_common.messages import IdentityDecoded, SupportCaptured
from apoyo_common.publishing import encode
from apoyo_common.topics import IDENTITY_DECODED
from apoyo_identity.ports import Decodings, PictureIndex
from apoyo_identity.reading import Reading, picture_hashes

SERVICE = "identity"


class ManyPublisher(Protocol):
    async def publish_raw_many(self, items: list[tuple[str, bytes, bytes]]) -> None:
        """Every (topic, key, payload) sent, then every acknowledgement awaited."""
        ...


class Reader(Protocol):
    async def read(self, captured: SupportCaptured) -> Reading:
        """The support's images fetched and analysed."""
        ...

    def decoded(
        self, captured: SupportCaptured, reading: Reading, reused: bool
    ) -> IdentityDecoded: ...


@dataclass(frozen=True)
class Batches:
    reader: Reader
    pictures: PictureIndex
    ledger: Decodings
    publisher: ManyPublisher
    key_of: Callable[[IdentityDecoded], bytes]
    recorded_together: int = 8  # supports admitted and recorded in one statement each

    async def handle_many(self, bodies: Sequence[bytes]) -> None:
        parsed = [_parsed(body) for body in bodies]
        events = [e for e in parsed if isinstance(e, SupportCaptured)]
        unique = list({e.support_id: e for e in events}.values())  # a redelivery in the poll
        known = await self.ledger.recorded_many([e.support_id for e in unique])
        fresh = [e for e in unique if e.support_id not in known]
        reads = [asyncio.ensure_future(self.reader.read(e)) for e in fresh]
        try:
            readings, recorded = await self._record_in_turn(fresh, reads)
        finally:
            for read in reads:  # a failed recording leaves no analysis running on its own
                read.cancel()
        for failure in (*parsed, *readings):
            if isinstance(failure, BaseException):
                raise failure
        if known:
            metrics.REDELIVERED.labels(SERVICE, IDENTITY_DECODED).inc(len(known))
        await self._publish([known.get(e.support_id) or recorded[e.support_id] for e in unique])

    async def _record_in_turn(
        self, fresh: list[SupportCaptured], reads: Sequence["asyncio.Future[Reading]"]
    ) -> tuple[list[Reading | BaseException], dict[str, IdentityDecoded]]:
        """The readings recorded a few at a time, in the batch's order, while the pool
        analyses the others: when the batch's last analysis ends, only the last few are left
        to record before the next batch's analyses start (the pool idles meanwhile)."""
        readings: list[Reading | BaseException] = []
        recorded: dict[str, IdentityDecoded] = {}
        for start in range(0, len(fresh), self.recorded_together):
            turn = slice(start, start + self.recorded_together)
            done = await asyncio.gather(*reads[turn], return_exceptions=True)
            readings += done
            read = [(e, r) for e, r in zip(fresh[turn], done, strict=True) if isinstance(r, tuple)]
            recorded |= await self._record(read)
        return readings, recorded

    async def _record(
        self, read: list[tuple[SupportCaptured, Reading]]
    ) -> dict[str, IdentityDecoded]:
        if not read:
            return {}
        admitted = [(e.process_id, e.support_id, picture_hashes(r[1])) for e, r in read]
        reused = await self.pictures.admit_many(admitted)
        outputs = [
            self.reader.decoded(e, r, flag) for (e, r), flag in zip(read, reused, strict=True)
        ]
        return {o.support_id: o for o in await self.ledger.record_many(outputs)}

    async def _publish(self, outputs: list[IdentityDecoded]) -> None:
        items = [(IDENTITY_DECODED, self.key_of(o), encode(o)) for o in outputs]
        await self.publisher.publish_raw_many(items)
        metrics.MESSAGES_OUT.labels(SERVICE, IDENTITY_DECODED).inc(len(items))


def _parsed(body: bytes) -> SupportCaptured | ValidationError:
    """The event, or why it is not one: an unreadable message does not hold the others back
    (it is dead-lettered when the batch goes one by one)."""
    try:
        return SupportCaptured.model_validate_json(body)
    except ValidationError as error:
        return error
