from dataclasses import dataclass, field

from apoyo_capture.adapters.memory import InMemoryCaptureRepository
from apoyo_common.outbox import OutboxItem, OutboxRelay
from tests.factories import captured, process


@dataclass
class FlakyKafka:
    down: bool = False
    sent: list[tuple[str, bytes]] = field(default_factory=list)

    async def publish_raw(self, topic: str, key: bytes, payload: bytes) -> None:
        if self.down:
            raise ConnectionError("kafka unreachable")
        self.sent.append((topic, key))


async def test_events_wait_while_kafka_is_down_and_go_out_in_order_after() -> None:
    repository, kafka = InMemoryCaptureRepository(), FlakyKafka(down=True)
    await repository.save_process(process())
    for n in range(3):
        await repository.save_support(captured(f"s-{n}"), "aux", f"k{n}", "f")
    relay = OutboxRelay(repository, kafka)
    try:
        await relay.drain()
    except ConnectionError:
        pass
    assert kafka.sent == [] and len(await repository.claim_outbox(10)) == 4
    kafka.down = False
    await relay.drain()
    assert [key for _, key in kafka.sent] == [b"gub-son-2027", b"s-0", b"s-1", b"s-2"]
    assert await repository.claim_outbox(10) == []
    await relay.drain()
    assert len(kafka.sent) == 4


@dataclass
class CountedClaims:
    """The capture repository's outbox, counting the claims (each a round trip in PostgreSQL)."""

    repository: InMemoryCaptureRepository
    claims: int = 0

    async def claim_outbox(self, limit: int) -> list[OutboxItem]:
        self.claims += 1
        return await self.repository.claim_outbox(limit)

    async def mark_published(self, ids: list[int]) -> None:
        await self.repository.mark_published(ids)


async def test_a_pass_ends_with_a_claim_short_of_a_batch_without_one_more_empty_claim() -> None:
    repository, kafka = InMemoryCaptureRepository(), FlakyKafka()
    for n in range(5):
        await repository.save_support(captured(f"s-{n}"), "aux", f"k{n}", "f")
    store = CountedClaims(repository)
    await OutboxRelay(store, kafka, batch=2).drain()
    assert [key for _, key in kafka.sent] == [f"s-{n}".encode() for n in range(5)]
    assert store.claims == 3  # 2, 2 and 1
    await OutboxRelay(store, kafka, batch=2).drain()
    assert store.claims == 4 and len(kafka.sent) == 5  # nothing pending: one empty claim
