"""The publisher port: what a handler uses to emit an event, with a fake for tests."""

from dataclasses import dataclass, field
from typing import Protocol

from apoyo_common.messages_base import Contract


class Publisher(Protocol):
    async def publish(self, topic: str, key: bytes, message: Contract) -> None: ...


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
