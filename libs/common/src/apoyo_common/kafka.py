"""The Kafka broker factory, the publisher adapter and subscription with commit-after-work.

Producers wait for every in-sync replica (`acks=all`) and are idempotent. Consumers join a
group per service, start from the earliest offset when the group is new, and commit an
offset only after the handler finished; an exception that escapes (the dead-letter topic
itself was unreachable) seeks back, so the message is delivered again.
"""

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import chain
from typing import Any

from aiokafka import AIOKafkaConsumer, ConsumerRecord
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import TopicAlreadyExistsError
from faststream import AckPolicy
from faststream.kafka import KafkaBroker, KafkaMessage

from apoyo_common.delivery import Delivery
from apoyo_common.messages_base import Contract
from apoyo_common.publishing import encode
from apoyo_common.settings import Settings
from apoyo_common.support_age import observe_age
from apoyo_common.topics import ALL_TOPICS, qualified


def make_broker(settings: Settings, client_id: str) -> KafkaBroker:
    return KafkaBroker(
        settings.kafka_bootstrap,
        acks="all",
        enable_idempotence=True,
        client_id=client_id,
        graceful_timeout=30.0,
        # Through the root handler, so the redacting filter sees FastStream's lines too.
        logger=logging.getLogger("apoyo.faststream"),
        # Its "Received" and "Processed" lines for every message at DEBUG, which services do
        # not log (two lines a message, redacted and written, for nothing an operator reads);
        # its errors keep their level.
        log_level=logging.DEBUG,
        # The handlers below take what the decoder gives as it is: no argument injection nor
        # validation a message (FastStream ran the `message` argument's lookup in a thread).
        apply_types=False,
    )


class BrokerPublisher:
    """Publishes through a FastStream broker; returns once the broker acknowledged."""

    def __init__(self, broker: KafkaBroker, namespace: str = "") -> None:
        self.broker, self.namespace = broker, namespace

    async def publish(self, topic: str, key: bytes, message: Contract) -> None:
        await self.publish_raw(topic, key, encode(message))

    async def publish_raw(self, topic: str, key: bytes, payload: bytes) -> None:
        handed_at = datetime.now(UTC)
        await self.broker.publish(
            payload,
            qualified(self.namespace, topic),
            key=key,
            headers={"content-type": "application/json"},
        )
        observe_age(topic, payload, handed_at)

    async def publish_many(self, items: Sequence[tuple[str, bytes, Contract]]) -> None:
        await self.publish_raw_many([(topic, key, encode(m)) for topic, key, m in items])

    async def publish_raw_many(self, items: list[tuple[str, bytes, bytes]]) -> None:
        """Handed to the producer in order (so each partition keeps it), sent in as few
        requests as the producer batches them, then every acknowledgement awaited."""
        handed_at = datetime.now(UTC)
        pending = [
            await self.broker.publish(
                payload,
                qualified(self.namespace, topic),
                key=key,
                headers={"content-type": "application/json"},
                no_confirm=True,
            )
            for topic, key, payload in items
        ]
        await asyncio.gather(*(p for p in pending if isinstance(p, asyncio.Future)))
        for topic, _, payload in items:
            observe_age(topic, payload, handed_at)


@dataclass(frozen=True)
class Gather:
    """How long the broker may hold a batch consumer's poll (`fetch.max.wait.ms`) while fewer
    than `min_bytes` wait (`fetch.min.bytes`)."""

    wait_ms: int
    min_bytes: int


NO_GATHER = Gather(500, 1)  # the client's defaults: a poll answered as soon as a byte waits
# A trickle still comes in batches: the broker holds a poll up to half a second unless 64 KB
# (a few dozen events) wait; a backlog is read as fast as without it. Each batch costs a fetch,
# an offset commit and the handler's own round trips whatever its size, and an idle consumer
# polls twice a second: at 40 supports a second the consumers after identity and their
# servers cost 5.1-5.5 CPU ms a support with half a second, 7.4-7.7 with a quarter
# (docs/operations.md, *The consumers after identity*).
TRICKLE = Gather(wait_ms=500, min_bytes=64 * 1024)
# A message-at-a-time subscription (the topics that see a few events a day: processes,
# invitations, codes) is answered as soon as a byte waits, so how long the broker holds an
# empty poll costs no latency, only an idle consumer's polls: one in 2 s instead of 2 a second.
QUIET = Gather(wait_ms=2000, min_bytes=1)
# How often a consumer's background fetcher re-plans its fetches when nothing woke it (the
# client's `consumer_timeout_ms`, 200 by default): a fetch's answer, a consumed batch, a seek, a
# resumed partition and a lost assignment each wake it at once, so the timer only paces an
# idle consumer's wake-ups, five a second each by default.
FETCHER_WAKE_MS = 1000
# How long a batch subscription's read waits for records before it returns empty and reads
# again. A read returns as soon as records arrive; FastStream's own loop waited 100 ms, then
# slept another 100 ms before reading again (records arriving meanwhile waited for the sleep).
BATCH_WAIT_MS = 1000


def subscribe(
    broker: KafkaBroker,
    delivery: Delivery,
    group_id: str,
    handle: Callable[[bytes], Awaitable[None]],
    namespace: str = "",
    concurrency: int = 1,
) -> None:
    """`concurrency` above 1 runs that many consumers in the group, each on its own partitions:
    messages of one partition stay in order, and an offset is still committed after its work."""

    async def on_message(received: tuple[bytes, bytes]) -> None:
        body, key = received
        await delivery.run(body, key, handle)

    on_message.__name__ = f"{delivery.service}_on_{delivery.topic.replace('.', '_')}"
    broker.subscriber(
        qualified(namespace, delivery.topic),
        **_consumer(namespace, group_id),
        decoder=_body_and_key,
        max_workers=concurrency,
        fetch_max_wait_ms=QUIET.wait_ms,
        fetch_min_bytes=QUIET.min_bytes,
    )(on_message)


def _consumer(namespace: str, group_id: str) -> dict[str, Any]:
    """What every subscription shares: a group per service, the earliest offset for a new
    group, and an offset committed only after the handler's work."""
    return {
        "group_id": qualified(namespace, group_id),
        "auto_offset_reset": "earliest",
        "ack_policy": AckPolicy.NACK_ON_ERROR,
        "max_poll_interval_ms": 600_000,
        "consumer_timeout_ms": FETCHER_WAKE_MS,
    }


def subscribe_batch(
    broker: KafkaBroker,
    delivery: Delivery,
    group_id: str,
    handle_many: Callable[[list[bytes]], Awaitable[None]],
    handle_one: Callable[[bytes], Awaitable[None]],
    namespace: str = "",
    max_records: int = 500,
    gather: Gather = NO_GATHER,
) -> None:
    """Up to `max_records` messages a poll, handled in one call and committed together after
    it; when the call fails, each message is delivered alone (Delivery.run_batch). One
    consumer per subscriber: FastStream ignores `max_workers` for batches. With `gather`, the
    broker holds a poll until that many bytes arrived or that many milliseconds passed, so a
    trickle still comes in batches."""

    async def on_batch(received: list[tuple[bytes, bytes]]) -> None:
        await delivery.run_batch(received, handle_many, handle_one)

    on_batch.__name__ = f"{delivery.service}_on_{delivery.topic.replace('.', '_')}_batch"
    subscriber = broker.subscriber(
        qualified(namespace, delivery.topic),
        **_consumer(namespace, group_id),
        decoder=_bodies_and_keys,
        batch=True,
        max_records=max_records,
        batch_timeout_ms=BATCH_WAIT_MS,
        fetch_max_wait_ms=gather.wait_ms,
        fetch_min_bytes=gather.min_bytes,
    )
    subscriber(on_batch)
    subscriber.get_msg = _batch_reader(max_records)


def _batch_reader(
    max_records: int,
) -> Callable[[AIOKafkaConsumer], Awaitable[tuple[ConsumerRecord[Any, Any], ...]]]:
    """A batch subscription's read (FastStream's `get_msg`, which its consume loop calls until
    the subscriber stops): the records waiting, or the first to arrive within `BATCH_WAIT_MS`,
    or none. FastStream's read slept as long as it had waited after an empty one; an idle
    consumer then woke five times a second, and records arriving in the sleep waited for it."""

    async def get_msg(consumer: AIOKafkaConsumer) -> tuple[ConsumerRecord[Any, Any], ...]:
        found = await consumer.getmany(timeout_ms=BATCH_WAIT_MS, max_records=max_records)
        return tuple(chain.from_iterable(found.values()))

    return get_msg


async def _bodies_and_keys(message: KafkaMessage) -> list[tuple[bytes, bytes]]:
    """A batch's bodies as they came (the batch parser gives a list of them), each with its
    record's key."""
    body: object = message.body
    bodies = [bytes(b) for b in body] if isinstance(body, list | tuple) else []
    if isinstance(body, bytes):
        bodies = [body]
    records = message.raw_message if isinstance(message.raw_message, list | tuple) else ()
    keys = [getattr(r, "key", None) or b"" for r in records]
    keys += [b""] * (len(bodies) - len(keys))
    return list(zip(bodies, keys, strict=False))


async def _body_and_key(message: KafkaMessage) -> tuple[bytes, bytes]:
    """Hand the handler the bytes as they came (parsing, and its failures, is ours to judge)
    and the record's key."""
    return message.body, getattr(message.raw_message, "key", None) or b""


async def ensure_topics(settings: Settings) -> None:
    """Create every topic with the configured partitions; existing ones are left alone."""
    admin = AIOKafkaAdminClient(bootstrap_servers=settings.kafka_bootstrap)
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        wanted = [qualified(settings.namespace, t) for t in ALL_TOPICS]
        missing = [t for t in wanted if t not in existing]
        if missing:
            topics = [NewTopic(t, settings.topic_partitions, 1) for t in missing]
            try:
                await admin.create_topics(topics)
            except TopicAlreadyExistsError:
                pass  # another service created them at the same moment
    finally:
        await admin.close()
