"""200 supports posted over HTTP all reach `support.exported`, each service its own process."""

import asyncio

import pytest

from tests.e2e.conftest import aux_token, client, people
from tests.e2e.harness import Deployment
from tests.e2e.posting import post_many

pytestmark = pytest.mark.e2e
SUPPORTS = 200


async def run(deployed: Deployment) -> tuple[list[str], set[str]]:
    async with client(deployed) as http:
        accepted = await post_many(
            http, aux_token(deployed), people(deployed, SUPPORTS, seed=11), "p", photos=True
        )
    return accepted, await deployed.exported_ids(len(accepted))


def test_every_support_reaches_support_exported(running: Deployment) -> None:
    accepted, exported = asyncio.run(run(running))
    assert len(accepted) == SUPPORTS
    assert exported == set(accepted)
    counts = asyncio.run(running.counts())
    assert counts == dict.fromkeys(counts, SUPPORTS)
    assert asyncio.run(running.duplicated_effects()) == 0
    # Phone photos of synthetic cards of citizens in the cut: they count, but for any whose
    # roll row the loader refused (see `people`) and any whose MRZ was not read (the desk).
    statuses = asyncio.run(running.statuses())
    assert sum(statuses.values()) == SUPPORTS
    assert statuses.get("EN_LISTA_NOMINAL", 0) >= 0.9 * SUPPORTS, statuses
    assert set(statuses) <= {"EN_LISTA_NOMINAL", "NO_ENCONTRADO", "PENDIENTE_REVISION"}, statuses
