"""Consumer lag per group and partition, read from Kafka and published as a gauge.

One process reads it for every apoyo group of the deployment (capture's: it always runs, and a
consumer that crashed or is scaled to nothing still shows its backlog). Each pass asks the
admin API for the groups, their committed offsets and the topics' partitions, and a
group-less consumer for the partitions' first and last offsets. A partition the group has not
committed on yet counts from its first offset (the groups start at the earliest). When Kafka
cannot be read the gauge is emptied: no value rather than a stale one. With the in-memory
broker nothing runs.
"""

import asyncio
from dataclasses import dataclass

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient

from apoyo_common import metrics
from apoyo_common.delivery import describe
from apoyo_common.logs import get_logger

log = get_logger(__name__)
Lags = dict[tuple[str, str, int], int]  # (group, topic, partition) -> messages behind


async def read_lags(admin: AIOKafkaAdminClient, consumer: AIOKafkaConsumer, prefix: str) -> Lags:
    groups = sorted(g[0] for g in await admin.list_consumer_groups() if g[0].startswith(prefix))
    committed = {group: await admin.list_consumer_group_offsets(group) for group in groups}
    wanted = sorted({tp.topic for offsets in committed.values() for tp in offsets})
    described = await admin.describe_topics(wanted) if wanted else []
    partitions = [
        TopicPartition(topic["topic"], p["partition"])
        for topic in described
        for p in sorted(topic["partitions"], key=lambda p: int(p["partition"]))
    ]
    if not partitions:
        return {}
    first = await consumer.beginning_offsets(partitions)
    last = await consumer.end_offsets(partitions)
    lags: Lags = {}
    for group, offsets in committed.items():
        for tp in (tp for tp in partitions if tp.topic in {t.topic for t in offsets}):
            done = offsets.get(tp)
            position = done.offset if done is not None and done.offset >= 0 else first[tp]
            lags[(group, tp.topic, tp.partition)] = max(0, last[tp] - position)
    return lags


def show(lags: Lags) -> None:
    """Replace every series at once (no await in between: a scrape sees all or none)."""
    metrics.CONSUMER_LAG.clear()
    for (group, topic, partition), lag in lags.items():
        metrics.CONSUMER_LAG.labels(group, topic, str(partition)).set(lag)


@dataclass(frozen=True)
class LagReader:
    bootstrap: str
    prefix: str  # the deployment's groups: `apoyo-` inside its namespace
    interval_s: float = 15.0

    async def read_once(self) -> Lags:
        admin = AIOKafkaAdminClient(bootstrap_servers=self.bootstrap, request_timeout_ms=10_000)
        consumer = AIOKafkaConsumer(bootstrap_servers=self.bootstrap, enable_auto_commit=False)
        try:
            await admin.start()
            await consumer.start()
            return await read_lags(admin, consumer, self.prefix)
        finally:
            await consumer.stop()
            await admin.close()

    async def run_forever(self) -> None:
        while True:
            try:
                show(await asyncio.wait_for(self.read_once(), timeout=30))
            except Exception as error:
                show({})
                log.warning("consumer_lag_unread", error=describe(error))
            await asyncio.sleep(self.interval_s)
