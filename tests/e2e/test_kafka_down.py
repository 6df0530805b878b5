"""A support acknowledged while Kafka is down reaches the end of the pipeline once Kafka is back."""

import asyncio
import subprocess

import pytest

from tests.e2e.conftest import aux_token, client, people
from tests.e2e.harness import Deployment
from tests.e2e.posting import post_many
from tests.paths import ROOT

pytestmark = pytest.mark.e2e
SUPPORTS = 20


def kafka(action: str) -> None:
    subprocess.run(
        ["bash", str(ROOT / "deploy/local/kafka.sh"), action],
        check=True,
        capture_output=True,
        timeout=300,
    )


async def post_while_kafka_is_down(deployed: Deployment) -> list[str]:
    token = aux_token(deployed)
    kafka("stop")
    try:
        async with client(deployed) as http:
            accepted = await post_many(http, token, people(deployed, SUPPORTS, seed=31), "down")
        counts = await deployed.counts()
        assert counts["capture"] == SUPPORTS and counts["identity"] == 0
    finally:
        kafka("start")
    return accepted


def test_acknowledged_while_kafka_is_down_then_delivered(running: Deployment) -> None:
    accepted = asyncio.run(post_while_kafka_is_down(running))
    assert len(accepted) == SUPPORTS
    exported = asyncio.run(running.exported_ids(SUPPORTS, seconds=300))
    assert exported == set(accepted)
    assert asyncio.run(running.duplicated_effects()) == 0
