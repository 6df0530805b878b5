from faststream.kafka import KafkaBroker, TestKafkaBroker

from apoyo_common.delivery import Delivery, RetryPolicy
from apoyo_common.kafka import BrokerPublisher, subscribe


async def test_namespace_applies_to_subscriptions_and_publishing() -> None:
    broker, seen = KafkaBroker(), list[tuple[bytes, str]]()
    publisher = BrokerPublisher(broker, "run7")

    async def handle(raw: bytes) -> None:
        seen.append((raw, "run7"))

    delivery = Delivery("identity", "support.captured", RetryPolicy(1, 0), publisher)
    subscribe(broker, delivery, "apoyo-identity", handle, namespace="run7")
    async with TestKafkaBroker(broker):
        await publisher.publish_raw("support.captured", b"k", b"not even json")
        await broker.publish(b"plain", "support.captured", key=b"k")
    assert seen == [(b"not even json", "run7")]
