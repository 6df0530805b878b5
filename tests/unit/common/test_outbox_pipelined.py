"""The pipelined relay: a claimed batch sent at once, marked only when all were acknowledged;
an outage said once a minute, not at every try."""

from dataclasses import dataclass, field

import structlog.testing

from apoyo_common.outbox import FailureReport, OutboxItem, OutboxRelay


@dataclass
class Store:
    items: list[OutboxItem]
    published: list[int] = field(default_factory=list)

    async def claim_outbox(self, limit: int) -> list[OutboxItem]:
        return [i for i in self.items if i.id not in self.published][:limit]

    async def mark_published(self, ids: list[int]) -> None:
        self.published += ids


@dataclass
class Kafka:
    down: bool = False
    batches: list[list[bytes]] = field(default_factory=list)

    async def publish_raw(self, topic: str, key: bytes, payload: bytes) -> None:
        raise AssertionError("a pipelined relay sends batches")

    async def publish_raw_many(self, items: list[tuple[str, bytes, bytes]]) -> None:
        if self.down:
            raise ConnectionError("kafka unreachable")
        self.batches.append([payload for _, _, payload in items])


def store(n: int) -> Store:
    return Store([OutboxItem(i, "t", b"k", str(i).encode()) for i in range(1, n + 1)])


async def test_a_claimed_batch_goes_out_in_order_in_one_send() -> None:
    kafka, events = Kafka(), store(5)
    relay = OutboxRelay(events, kafka, "verification", batch=3, pipelined=True)
    await relay.drain()
    assert kafka.batches == [[b"1", b"2", b"3"], [b"4", b"5"]]
    assert events.published == [1, 2, 3, 4, 5]


async def test_nothing_is_marked_when_the_batch_was_not_acknowledged() -> None:
    kafka, events = Kafka(down=True), store(2)
    relay = OutboxRelay(events, kafka, "verification", pipelined=True)
    assert not await relay.try_drain()
    assert events.published == []
    kafka.down = False
    assert await relay.try_drain() and events.published == [1, 2]


async def test_an_outage_is_one_warning_a_minute_and_a_line_when_it_ends() -> None:
    now = [0.0]
    kafka, events = Kafka(down=True), store(1)
    relay = OutboxRelay(events, kafka, "verification", pipelined=True)
    relay.failures = FailureReport(every_s=60, clock=lambda: now[0])
    with structlog.testing.capture_logs() as lines:
        for _ in range(240):  # two minutes of tries, one every half second
            assert not await relay.try_drain()
            now[0] += 0.5
        kafka.down = False
        assert await relay.try_drain() and events.published == [1]
        assert await relay.try_drain()  # nothing failing, nothing to say
    said = [(line["event"], line.get("failing_s"), line.get("after_s")) for line in lines]
    assert said == [
        ("outbox_publish_failed", 0.0, None),
        ("outbox_publish_failed", 60.0, None),
        ("outbox_publish_recovered", None, 120.0),
    ]
    assert lines[1]["tries_since_last_warning"] == 120
