"""The lag arithmetic on fakes of Kafka's admin client and a group-less consumer; the real
broker's run is tests/e2e/test_consumer_lag.py."""

from dataclasses import dataclass
from typing import Any, cast

from aiokafka import TopicPartition
from aiokafka.structs import OffsetAndMetadata

from apoyo_common import metrics
from apoyo_common.lag import read_lags, show

Offsets = dict[TopicPartition, int]


@dataclass
class FakeAdmin:
    committed: dict[str, Offsets]
    partitions: dict[str, set[int]]

    async def list_consumer_groups(self) -> list[tuple[str, str]]:
        return [(group, "consumer") for group in self.committed]

    async def list_consumer_group_offsets(self, group: str) -> dict[TopicPartition, Any]:
        return {tp: OffsetAndMetadata(o, "") for tp, o in self.committed[group].items()}

    async def describe_topics(self, topics: list[str]) -> list[dict[str, Any]]:
        return [
            {"topic": t, "partitions": [{"partition": p} for p in sorted(self.partitions[t])]}
            for t in topics
        ]


@dataclass
class FakeConsumer:
    first: Offsets
    last: Offsets

    async def beginning_offsets(self, partitions: list[TopicPartition]) -> Offsets:
        return {tp: self.first[tp] for tp in partitions}

    async def end_offsets(self, partitions: list[TopicPartition]) -> Offsets:
        return {tp: self.last[tp] for tp in partitions}


def tp(topic: str, partition: int) -> TopicPartition:
    return TopicPartition(topic, partition)


CAPTURED = "ns.support.captured"
VERIFIED = "ns.support.verified"


async def test_lag_is_last_offset_minus_committed_or_first_offset() -> None:
    admin = FakeAdmin(
        {
            "ns.apoyo-identity": {tp(CAPTURED, 0): 40, tp(CAPTURED, 1): 7},
            "ns.apoyo-capture": {tp(VERIFIED, 0): 3},
            "other.apoyo-identity": {tp("other.support.captured", 0): 0},  # another deployment
            "ns-observer": {tp(CAPTURED, 0): 0},
        },
        partitions={CAPTURED: {0, 1, 2}, VERIFIED: {0}, "other.support.captured": {0}},
    )
    consumer = FakeConsumer(
        first={tp(CAPTURED, 0): 0, tp(CAPTURED, 1): 0, tp(CAPTURED, 2): 5, tp(VERIFIED, 0): 0},
        last={tp(CAPTURED, 0): 52, tp(CAPTURED, 1): 7, tp(CAPTURED, 2): 9, tp(VERIFIED, 0): 3},
    )
    lags = await read_lags(cast(Any, admin), cast(Any, consumer), "ns.apoyo-")
    assert lags == {
        ("ns.apoyo-identity", CAPTURED, 0): 12,
        ("ns.apoyo-identity", CAPTURED, 1): 0,
        ("ns.apoyo-identity", CAPTURED, 2): 4,  # nothing committed yet: from the first offset
        ("ns.apoyo-capture", VERIFIED, 0): 0,
    }


def gauge(group: str, topic: str, partition: str) -> float | None:
    labels = {"group": group, "topic": topic, "partition": partition}
    return metrics.REGISTRY.get_sample_value("apoyo_consumer_lag", labels)


def test_each_reading_replaces_the_last_and_none_empties_it() -> None:
    show({("g", CAPTURED, 0): 5, ("g", CAPTURED, 1): 2})
    assert (gauge("g", CAPTURED, "0"), gauge("g", CAPTURED, "1")) == (5, 2)
    show({("g", CAPTURED, 1): 1})
    assert (gauge("g", CAPTURED, "0"), gauge("g", CAPTURED, "1")) == (None, 1)
    show({})
    assert gauge("g", CAPTURED, "1") is None
