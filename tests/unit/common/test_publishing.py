from collections.abc import Sequence
from dataclasses import dataclass, field

from apoyo_common.messages_base import Contract
from apoyo_common.publishing import HeldPublisher, RecordingPublisher
from tests.factories import captured

Item = tuple[str, bytes, Contract]


@dataclass
class SharingPublisher:
    calls: list[list[Item]] = field(default_factory=list)

    async def publish(self, topic: str, key: bytes, message: Contract) -> None:
        self.calls.append([(topic, key, message)])

    async def publish_many(self, items: Sequence[Item]) -> None:
        self.calls.append(list(items))


async def test_held_publishes_are_handed_over_together_in_order_and_only_then() -> None:
    held, sharing = HeldPublisher(), SharingPublisher()
    for n in ("s-1", "s-2"):
        await held.publish("support.exported", n.encode(), captured(n))
    assert sharing.calls == []
    await held.hand_over(sharing)
    await held.hand_over(sharing)  # nothing twice
    assert sharing.calls == [
        [
            ("support.exported", b"s-1", captured("s-1")),
            ("support.exported", b"s-2", captured("s-2")),
        ],
        [],
    ]


async def test_a_publisher_without_shared_requests_gets_them_one_by_one() -> None:
    held, recording = HeldPublisher(), RecordingPublisher()
    for n in ("s-1", "s-2"):
        await held.publish("support.notified", n.encode(), captured(n))
    await held.hand_over(recording)
    assert [key for _, key, _ in recording.sent] == [b"s-1", b"s-2"]
