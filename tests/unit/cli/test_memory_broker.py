from faststream.kafka import KafkaBroker

from apoyo.memory_broker import forget_recordings, in_memory


async def test_recordings_are_forgotten_and_delivery_goes_on() -> None:
    broker, seen = KafkaBroker(), list[bytes]()

    @broker.subscriber("t", group_id="g")
    async def handle(body: str) -> None:
        seen.append(body.encode())

    async with in_memory(broker, every_s=3600) as running:
        for n in range(50):
            await running.publish(f"n{n}", "t")
        assert forget_recordings(broker) == 50
        assert forget_recordings(broker) == 0
        await running.publish("after", "t")
    assert len(seen) == 51
