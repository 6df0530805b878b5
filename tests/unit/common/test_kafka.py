from faststream.kafka import KafkaBroker, TestKafkaBroker
from faststream.kafka.subscriber.usecase import DefaultSubscriber as KafkaDefaultSubscriber

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


def test_producer_waits_for_all_replicas_and_is_idempotent() -> None:
    from apoyo_common.kafka import make_broker
    from apoyo_common.settings import Settings

    options = make_broker(Settings(), "apoyo-test")._connection_kwargs  # FastStream 0.7.8
    assert options["acks"] == "all" and options["enable_idempotence"] is True


def test_consumers_join_a_group_commit_after_work_and_start_at_earliest() -> None:
    from faststream import AckPolicy

    broker = KafkaBroker()
    delivery = Delivery("export", "support.notified", RetryPolicy(1, 0), BrokerPublisher(broker))

    async def handle(raw: bytes) -> None:
        return None

    subscribe(broker, delivery, "apoyo-export", handle)
    [subscriber] = broker.subscribers
    assert isinstance(subscriber, KafkaDefaultSubscriber)
    options = subscriber._connection_args  # FastStream 0.7.8
    assert subscriber.group_id == "apoyo-export"
    assert subscriber.ack_policy is AckPolicy.NACK_ON_ERROR
    assert options["enable_auto_commit"] is False and options["auto_offset_reset"] == "earliest"


async def test_concurrent_consumers_share_the_partitions_and_still_commit_after_work() -> None:
    from faststream import AckPolicy
    from faststream.kafka.subscriber.usecase import ConcurrentBetweenPartitionsSubscriber

    broker, seen = KafkaBroker(), list[bytes]()
    delivery = Delivery("identity", "support.captured", RetryPolicy(1, 0), BrokerPublisher(broker))

    async def handle(raw: bytes) -> None:
        seen.append(raw)

    subscribe(broker, delivery, "apoyo-identity", handle, concurrency=3)
    [subscriber] = broker.subscribers
    assert isinstance(subscriber, ConcurrentBetweenPartitionsSubscriber)
    assert subscriber.ack_policy is AckPolicy.NACK_ON_ERROR
    assert subscriber._connection_args["enable_auto_commit"] is False  # FastStream 0.7.8
    async with TestKafkaBroker(broker):
        await broker.publish(b"one", "support.captured", key=b"k")
    assert seen == [b"one"]


async def test_a_batch_subscription_hands_over_lists_with_their_keys() -> None:
    from apoyo_common.kafka import subscribe_batch

    broker, seen = KafkaBroker(), list[list[bytes]]()
    publisher = BrokerPublisher(broker)

    async def many(raws: list[bytes]) -> None:
        seen.append(raws)

    async def one(raw: bytes) -> None:
        seen.append([raw])

    delivery = Delivery("verification", "identity.decoded", RetryPolicy(1, 0), publisher)
    subscribe_batch(broker, delivery, "apoyo-verification", many, one)
    async with TestKafkaBroker(broker):
        await publisher.publish_raw("identity.decoded", b"k", b"one")
        await broker.publish_batch(b"two", b"three", topic="identity.decoded")
    assert seen == [[b"one"], [b"two", b"three"]]


async def many(raws: list[bytes]) -> None:
    return None


async def one(raw: bytes) -> None:
    return None


def test_a_gathering_batch_subscription_lets_the_broker_hold_its_polls() -> None:
    from apoyo_common.kafka import NO_GATHER, Gather, subscribe_batch

    broker = KafkaBroker()
    delivery = Delivery("export", "support.notified", RetryPolicy(1, 0), BrokerPublisher(broker))

    subscribe_batch(broker, delivery, "apoyo-export", many, one, gather=Gather(250, 65536))
    subscribe_batch(broker, delivery, "apoyo-other", many, one)
    options = {s.group_id: s._connection_args for s in broker.subscribers}  # type: ignore[attr-defined]
    gathering, plain = options["apoyo-export"], options["apoyo-other"]  # FastStream 0.7.8
    assert (gathering["fetch_max_wait_ms"], gathering["fetch_min_bytes"]) == (250, 65536)
    assert (plain["fetch_max_wait_ms"], plain["fetch_min_bytes"]) == (500, 1)
    assert (NO_GATHER.wait_ms, NO_GATHER.min_bytes) == (500, 1)  # the client's own defaults


def test_the_real_broker_logs_no_line_per_message_and_injects_nothing() -> None:
    import logging

    from apoyo_common.kafka import make_broker
    from apoyo_common.settings import Settings

    broker = make_broker(Settings(), "apoyo-test")
    config = broker.config.broker_config  # FastStream 0.7.8
    assert config.fd_config.use_fastdepends is False
    assert config.logger.log_level == logging.DEBUG


async def test_a_batch_read_does_not_sleep_and_the_fetcher_wakes_seldom() -> None:
    from apoyo_common.kafka import BATCH_WAIT_MS, FETCHER_WAKE_MS, subscribe, subscribe_batch

    broker = KafkaBroker()
    delivery = Delivery("export", "support.notified", RetryPolicy(1, 0), BrokerPublisher(broker))

    subscribe_batch(broker, delivery, "apoyo-export", many, one, max_records=7)
    subscribe(broker, delivery, "apoyo-quiet", one)
    by_group = {s.group_id: s for s in broker.subscribers}  # type: ignore[attr-defined]
    batch, quiet = by_group["apoyo-export"], by_group["apoyo-quiet"]
    for subscriber in (batch, quiet):  # FastStream 0.7.8
        assert subscriber._connection_args["consumer_timeout_ms"] == FETCHER_WAKE_MS  # type: ignore[attr-defined]

    class Consumer:
        def __init__(self, answers: list[dict[str, list[str]]]) -> None:
            self.answers, self.calls = answers, list[tuple[int, int]]()

        async def getmany(self, timeout_ms: int, max_records: int) -> dict[str, list[str]]:
            self.calls.append((timeout_ms, max_records))
            return self.answers.pop(0)

    consumer = Consumer([{}, {"t-0": ["a", "b"], "t-1": ["c"]}])
    assert await batch.get_msg(consumer) == ()  # type: ignore[attr-defined]
    assert await batch.get_msg(consumer) == ("a", "b", "c")  # type: ignore[attr-defined]
    assert consumer.calls == [(BATCH_WAIT_MS, 7), (BATCH_WAIT_MS, 7)]
