"""Fault drills on the real servers during a load run (docs/operations.md, "Fault drills").

Each service is killed with SIGKILL in turn and started again; then the Kafka broker and
PostgreSQL are restarted and the object store is out for 30 seconds. Afterwards every support
acknowledged with 202 has exactly one outcome and appears once in an export package, and the
clients met fast, clear answers: 202, a 503 with a JSON error, or a refused connection while
capture itself was down; never a 500, never a request left hanging.
"""

import asyncio
from pathlib import Path

import pytest

from tests.e2e.drills import (
    Account,
    Fault,
    LoadRun,
    account,
    server_out,
    server_restart,
    service_restart,
)
from tests.e2e.harness import SERVICES, Deployment

# A drill is a whole load run with five services restarted in turn (each waited for until it
# answers again): the SIGKILL drill took 167 s at load 6-8 (2026-11-30), where the suite's
# 120 s default stopped it before its count. The count, not the time, is the test.
pytestmark = [pytest.mark.e2e, pytest.mark.timeout(400)]
FAST_ANSWERS = {"202", "503", "unreachable"}


def drill(deployed: Deployment, faults: list[tuple[str, Fault]], folder: Path) -> LoadRun:
    load = LoadRun(deployed)

    async def scenario() -> Account:
        tally = await load.run(faults)
        return await account(deployed, set(tally.accepted), folder)

    counts = asyncio.run(scenario())
    print(f"\ndrill: {counts.line()}; answers {dict(load.tally.statuses)}")
    assert counts.acknowledged > 0 and counts.processed == counts.acknowledged
    assert (counts.lost, counts.doubled) == (0, 0)
    return load


def test_sigkill_of_each_service_in_turn_loses_nothing(running: Deployment, tmp_path: Path) -> None:
    faults = [(f"SIGKILL {s}", service_restart(running, s)) for s in SERVICES]
    load = drill(running, faults, tmp_path)
    assert set(load.tally.statuses) <= FAST_ANSWERS
    for window in load.windows:
        if window.fault != "SIGKILL capture":  # the others do not stop capture answering
            assert set(window.answers) <= {"202"}, window


def test_kafka_and_postgresql_restarts_and_an_object_store_outage_lose_nothing(
    running: Deployment, tmp_path: Path
) -> None:
    faults = [
        ("restart Kafka", server_restart("kafka")),
        ("restart PostgreSQL", server_restart("postgres")),
        ("object store out 30 s", server_out("s3", 30)),
    ]
    load = drill(running, faults, tmp_path)
    assert set(load.tally.statuses) <= {"202", "503"}
    windows = {w.fault: w.answers for w in load.windows}
    assert set(windows["restart Kafka"]) == {"202"}  # capture keeps accepting: its outbox waits
    assert windows["object store out 30 s"]["503"] > 0
