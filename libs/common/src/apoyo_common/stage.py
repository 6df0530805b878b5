"""The shape every consuming service shares: take an event, record its effect once, pass on.

The effect and the business id (the support id) are recorded in one transaction by the
service's ledger; a redelivered message finds the recorded output and publishes it again
instead of redoing the work, so downstream sees the same event and changes nothing either.
Publishing after the commit, then committing the offset, gives at-least-once delivery with
effects that happen once.
"""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Generic, Protocol, TypeVar

from apoyo_common import metrics
from apoyo_common.messages import SupportEnvelope
from apoyo_common.publishing import Publisher

In = TypeVar("In", bound=SupportEnvelope)
Out = TypeVar("Out", bound=SupportEnvelope)


class Ledger(Protocol[Out]):
    async def recorded(self, support_id: str) -> Out | None: ...

    async def record(self, output: Out) -> Out:
        """Store the effect and the output once; return the stored output (the first wins)."""
        ...


@dataclass
class InMemoryLedger(Generic[Out]):
    """The fake ledger of unit tests."""

    outputs: dict[str, Out] = field(default_factory=dict)

    async def recorded(self, support_id: str) -> Out | None:
        return self.outputs.get(support_id)

    async def record(self, output: Out) -> Out:
        return self.outputs.setdefault(output.support_id, output)


@dataclass(frozen=True)
class Stage(Generic[In, Out]):
    service: str
    source: type[In]
    target_topic: str
    work: Callable[[In], Awaitable[Out]]
    ledger: Ledger[Out]
    publisher: Publisher
    key_of: Callable[[Out], bytes]

    async def handle(self, raw: bytes) -> None:
        event = self.source.model_validate_json(raw)
        output = await self.ledger.recorded(event.support_id)
        if output is None:
            output = await self.ledger.record(await self.work(event))
        else:
            metrics.REDELIVERED.labels(self.service, self.target_topic).inc()
        await self.publisher.publish(self.target_topic, self.key_of(output), output)
        metrics.MESSAGES_OUT.labels(self.service, self.target_topic).inc()
