"""What `apoyo load` watches besides the capture answers: the backlog of each consuming stage
(Kafka consumer lag, read as an outside client), the time each stage's handler took (the
services' `/metrics`), and what became of a sample of the acknowledged supports (the API)."""

import asyncio
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

import httpx
from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from prometheus_client.parser import text_string_to_metric_families

from apoyo_common.topics import (
    IDENTITY_DECODED,
    SUPPORT_CAPTURED,
    SUPPORT_NOTIFIED,
    SUPPORT_VERIFIED,
    qualified,
)

# Each consuming stage of the pipeline and the topic it takes supports from.
STAGES = (
    ("identity", SUPPORT_CAPTURED),
    ("verification", IDENTITY_DECODED),
    ("notification", SUPPORT_VERIFIED),
    ("export", SUPPORT_NOTIFIED),
)
HANDLER_SECONDS = "apoyo_handler_seconds"


@dataclass
class Backlog:
    """Messages each stage's consumer group has not committed yet, per stage."""

    bootstrap: str
    namespace: str = ""
    timeout_s: float = 5.0
    _admin: AIOKafkaAdminClient | None = None
    _offsets: AIOKafkaConsumer | None = None

    async def start(self) -> None:
        self._admin = AIOKafkaAdminClient(
            bootstrap_servers=self.bootstrap, request_timeout_ms=int(self.timeout_s * 1000)
        )
        self._offsets = AIOKafkaConsumer(
            bootstrap_servers=self.bootstrap, request_timeout_ms=int(self.timeout_s * 1000)
        )
        await self._admin.start()
        await self._offsets.start()

    async def stop(self) -> None:
        for client in (self._offsets, self._admin):
            if client is not None:
                await client.close() if client is self._admin else await client.stop()  # type: ignore[union-attr]

    async def lags(self) -> dict[str, int | None]:
        """Per stage; None while the broker does not answer (it is being restarted)."""
        found: dict[str, int | None] = {}
        for service, topic in STAGES:
            try:
                found[service] = await asyncio.wait_for(self._lag(service, topic), self.timeout_s)
            except Exception:  # the broker is down or slow: say unknown, keep watching
                found[service] = None
        return found

    async def _lag(self, service: str, topic: str) -> int:
        assert self._admin is not None and self._offsets is not None
        name = qualified(self.namespace, topic)
        described = await self._admin.describe_topics([name])
        numbers = [p["partition"] for d in described for p in d.get("partitions", [])]
        partitions = [TopicPartition(name, n) for n in numbers]
        if not partitions:
            return 0
        ends = await self._offsets.end_offsets(partitions)
        starts = await self._offsets.beginning_offsets(partitions)
        group = qualified(self.namespace, f"apoyo-{service}")
        done = await self._admin.list_consumer_group_offsets(group, partitions=partitions)
        return sum(ends[p] - _committed(done.get(p), starts[p]) for p in partitions)


def _committed(offset: object, start: int) -> int:
    value = getattr(offset, "offset", -1)
    return int(value) if isinstance(value, int) and value >= 0 else start


@dataclass
class StageTimes:
    """Handler-time histograms scraped from each service's /metrics before and after a run."""

    urls: dict[str, str]
    before: dict[tuple[str, str], list[tuple[float, float]]] = field(default_factory=dict)

    async def scrape(self) -> dict[tuple[str, str], list[tuple[float, float]]]:
        found: dict[tuple[str, str], list[tuple[float, float]]] = {}
        async with httpx.AsyncClient(timeout=5) as client:
            for url in self.urls.values():
                try:
                    text = (await client.get(url.rstrip("/") + "/metrics")).text
                except httpx.HTTPError:
                    continue
                found.update(handler_buckets(text))
        return found

    async def mark(self) -> None:
        self.before = await self.scrape()

    async def quantiles(self) -> dict[tuple[str, str], dict[str, float]]:
        """Per (service, topic): count and p50/p95/p99 of the handler time since `mark`."""
        now = await self.scrape()
        shown: dict[tuple[str, str], dict[str, float]] = {}
        for labels, buckets in now.items():
            base = dict(self.before.get(labels, []))
            delta = [(le, n - base.get(le, 0.0)) for le, n in buckets]
            if delta and delta[-1][1] > 0:
                shown[labels] = {"count": delta[-1][1]} | {
                    f"p{q}": bucket_quantile(delta, q / 100) for q in (50, 95, 99)
                }
        return shown


def handler_buckets(text: str) -> dict[tuple[str, str], list[tuple[float, float]]]:
    """The cumulative buckets (upper bound, count) of each handler histogram in a scrape."""
    found: dict[tuple[str, str], list[tuple[float, float]]] = {}
    for family in text_string_to_metric_families(text):
        if family.name != HANDLER_SECONDS:
            continue
        for sample in family.samples:
            if sample.name.endswith("_bucket"):
                labels = (sample.labels["service"], sample.labels["topic"])
                found.setdefault(labels, []).append((float(sample.labels["le"]), sample.value))
    return {k: sorted(v) for k, v in found.items()}


def bucket_quantile(buckets: list[tuple[float, float]], q: float) -> float:
    """Prometheus's histogram_quantile: linear within the bucket the rank falls in."""
    total = buckets[-1][1]
    rank, lower, below = q * total, 0.0, 0.0
    for upper, count in buckets:
        if count >= rank:
            if upper == float("inf"):
                return lower
            inside = count - below
            return lower + (upper - lower) * ((rank - below) / inside if inside else 1.0)
        lower, below = upper, count
    return lower


@dataclass(frozen=True)
class Outcomes:
    """The statuses of a sample of acknowledged supports, and reception-to-outcome seconds of
    those already judged (`updated_at - received_at` as the capture API shows them)."""

    statuses: Counter[str]
    seconds: list[float]

    @property
    def pending(self) -> int:
        return self.statuses.get("RECIBIDO", 0) + self.statuses.get("?", 0)


async def outcomes(client: httpx.AsyncClient, token: str, support_ids: list[str]) -> Outcomes:
    statuses: Counter[str] = Counter()
    seconds: list[float] = []
    limit = asyncio.Semaphore(8)

    async def one(support_id: str) -> None:
        async with limit:
            try:
                answer = await client.get(
                    f"/v1/supports/{support_id}", headers={"Authorization": f"Bearer {token}"}
                )
            except httpx.HTTPError:
                statuses["?"] += 1
                return
        if answer.status_code != 200:
            statuses["?"] += 1
            return
        body = answer.json()
        statuses[body["status"]] += 1
        if body["status"] != "RECIBIDO":
            seconds.append(_between(body["received_at"], body["updated_at"]))

    await asyncio.gather(*(one(s) for s in support_ids))
    return Outcomes(statuses, seconds)


def _between(start: str, end: str) -> float:
    return (datetime.fromisoformat(end) - datetime.fromisoformat(start)).total_seconds()
