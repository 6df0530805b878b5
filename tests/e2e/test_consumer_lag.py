"""Consumer lag read from the real Kafka: capture's /metrics shows identity's backlog per
partition, growing by exactly the supports posted while identity is down, back to zero once it
is up again."""

import asyncio
import time
from collections.abc import Iterator

import asyncpg
import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.e2e.conftest import PROCESS, aux_token, client, people
from tests.e2e.harness import TABLES, Deployment, deployment
from tests.e2e.posting import post_many
from tests.paths import ROOT

pytestmark = pytest.mark.e2e
RUNNING = ("capture", "identity")


@pytest.fixture
def deployed() -> Iterator[Deployment]:
    made = deployment(ROOT / ".local" / "e2e-logs")
    made.env["APOYO_LAG_INTERVAL_S"] = "0.5"
    try:
        for service in RUNNING:
            made.start(service)
        made.wait_ready(RUNNING)
        made.create_process(PROCESS)
        yield made
    finally:
        made.retire()


def identity_lag(deployed: Deployment) -> dict[str, float]:
    """Partition -> lag of identity's group on support.captured, as capture reports it."""
    text = httpx.get(f"{deployed.capture_url}/metrics", timeout=10).text
    group, topic = f"{deployed.namespace}.apoyo-identity", f"{deployed.namespace}.support.captured"
    return {
        s.labels["partition"]: s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
        if s.name == "apoyo_consumer_lag"
        and s.labels["group"] == group
        and s.labels["topic"] == topic
    }


async def lag_reaches(deployed: Deployment, total: int, seconds: float = 180) -> dict[str, float]:
    deadline = time.monotonic() + seconds
    lag = identity_lag(deployed)
    while len(lag) != 6 or sum(lag.values()) != total:
        assert time.monotonic() < deadline, f"lag {lag}, expected {total} over 6 partitions"
        await asyncio.sleep(0.5)
        lag = identity_lag(deployed)
    return lag


async def decoded(deployed: Deployment, count: int, seconds: float = 240) -> None:
    conn = await asyncpg.connect(deployed.dsn)  # only capture and identity run: their tables
    try:
        deadline = time.monotonic() + seconds
        while await conn.fetchval(f"SELECT count(*) FROM {TABLES['identity']}") < count:
            assert time.monotonic() < deadline, "identity never caught up"
            await asyncio.sleep(0.3)
    finally:
        await conn.close()


async def scenario(deployed: Deployment) -> None:
    citizens = people(deployed, 8, seed=41)
    token = aux_token(deployed)
    async with client(deployed) as http:
        assert len(await post_many(http, token, citizens[:3], "lag-a")) == 3
        await decoded(deployed, 3)
        await lag_reaches(deployed, 0)
        deployed.kill("identity")
        assert len(await post_many(http, token, citizens[3:], "lag-b")) == 5
        behind = await lag_reaches(deployed, 5)
        assert all(value >= 0 for value in behind.values())
        deployed.start("identity")
        await decoded(deployed, 8)
        await lag_reaches(deployed, 0)


def test_capture_reports_identitys_lag_per_partition(deployed: Deployment) -> None:
    asyncio.run(scenario(deployed))
