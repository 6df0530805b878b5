"""SIGKILL one consumer mid-stream, restart it: every acknowledged support is processed once
in effect, none lost and none doubled."""

import asyncio
import time

import pytest

from tests.e2e.conftest import aux_token, client, people
from tests.e2e.harness import TABLES, Deployment
from tests.e2e.posting import post_many

pytestmark = pytest.mark.e2e
SUPPORTS = 200


async def kill_mid_stream(deployed: Deployment, victim: str) -> int:
    """Wait until the victim has done some but not all of the work, then kill it."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        done = (await deployed.counts())[victim]
        if done >= 20:
            deployed.kill(victim)
            return done
        await asyncio.sleep(0.05)
    raise TimeoutError(f"{victim} never started working")


async def scenario(deployed: Deployment, victim: str) -> tuple[list[str], int, set[str]]:
    async with client(deployed) as http:
        posting = asyncio.create_task(
            post_many(
                http, aux_token(deployed), people(deployed, SUPPORTS, seed=23), "c", parallel=4
            )
        )
        done_at_kill = await kill_mid_stream(deployed, victim)
        accepted = await posting
    deployed.start(victim)
    return accepted, done_at_kill, await deployed.exported_ids(len(accepted))


@pytest.mark.parametrize("victim", ["identity", "verification", "export"])
def test_sigkill_of_a_consumer_loses_nothing_and_doubles_nothing(
    running: Deployment, victim: str
) -> None:
    assert victim in TABLES
    accepted, done_at_kill, exported = asyncio.run(scenario(running, victim))
    assert len(accepted) == SUPPORTS
    assert done_at_kill < SUPPORTS, "the kill must land mid-stream"
    assert exported == set(accepted)
    counts = asyncio.run(running.counts())
    assert counts == dict.fromkeys(counts, SUPPORTS)
    assert asyncio.run(running.duplicated_effects()) == 0
