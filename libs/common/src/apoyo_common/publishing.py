"""The publisher port: what a handler uses to emit an event, with a fake for tests."""

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

from apoyo_common.messages_base import Contract


class Publisher(Protocol):
    async def publish(self, topic: str, key: bytes, message: Contract) -> None: ...


@runtime_checkable
class ManyPublisher(Publisher, Protocol):
    async def publish_many(self, items: Sequence[tuple[str, bytes, Contract]]) -> None:
        """Hand them over in order, sharing requests, then wait for every acknowledgement."""
        ...


@dataclass
class HeldPublisher:
    """What a batch's handlers publish, held until the batch is done and then handed over
    together (one produce request for the batch instead of one a message, each waited for).
    Nothing is handed over when the batch fails: its messages are then handled again one by
    one, and those already recorded publish their recorded output again."""

    held: list[tuple[str, bytes, Contract]] = field(default_factory=list)

    async def publish(self, topic: str, key: bytes, message: Contract) -> None:
        self.held.append((topic, key, message))

    async def hand_over(self, to: Publisher) -> None:
        if isinstance(to, ManyPublisher):
            await to.publish_many(self.held)
        else:
            for topic, key, message in self.held:
                await to.publish(topic, key, message)
        self.held = []


def encode(message: Contract) -> bytes:
    return message.model_dump_json().encode()


@dataclass
class RecordingPublisher:
    """In-memory fake: keeps what was published, can be told to fail the next calls."""

    sent: list[tuple[str, bytes, Contract]] = field(default_factory=list)
    failures_left: int = 0

    async def publish(self, topic: str, key: bytes, message: Contract) -> None:
        if self.failures_left > 0:
            self.failures_left -= 1
            raise ConnectionError("publisher unavailable")
        self.sent.append((topic, key, message))

    def on(self, topic: str) -> list[Contract]:
        return [message for t, _, message in self.sent if t == topic]
