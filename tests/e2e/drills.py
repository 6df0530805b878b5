"""Fault drills: a load run (apoyo.load) against a deployment while faults are applied in turn,
then the count of what became of every acknowledged support, through export packages."""

import asyncio
import json
import os
import subprocess
import time
import zipfile
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path

import asyncpg
import httpx

from apoyo.load import Plan, Tally, post_load
from apoyo.load_supports import make_supports
from tests.e2e.harness import Deployment
from tests.e2e.test_export_package import export
from tests.paths import ROOT
from tests.roll_files import CUT

ASPIRANTS = ("asp-01", "asp-02")
# Small enough for CI on two cores; raise them on a bigger machine.
RATE = float(os.environ.get("APOYO_DRILL_RATE", "6"))
PEOPLE = 2000  # the citizens whose form data the supports carry, all on the voter roll
CLIENT_TIMEOUT_S = 20.0  # bounded: a hung request shows as a timeout, and fails the drill
Fault = Callable[[], Awaitable[None]]


def auxiliary(deployed: Deployment, subject: str) -> str:
    """A token of its own per simulated auxiliary: each token has its own rate limit."""
    return deployed.cli(
        "token", "issue", "--role", "auxiliary", "--process", "gub-son-2027", "--subject", subject
    )


def infra(action: str, server: str) -> None:
    """Stop, start or restart one of the servers of deploy/local/infra.sh; a failure carries
    what the script printed (its own messages and the end of the server's log)."""
    done = subprocess.run(
        ["bash", str(ROOT / "deploy/local/infra.sh"), action, server],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    if done.returncode != 0:
        printed = (done.stdout + done.stderr)[-6000:]
        raise RuntimeError(f"infra.sh {action} {server} exited {done.returncode}:\n{printed}")


@dataclass
class Window:
    """The capture answers while one fault lasted."""

    fault: str
    answers: Counter[str] = field(default_factory=Counter)
    seconds: float = 0.0


@dataclass
class LoadRun:
    """A load posted in the background at RATE until stopped."""

    deployed: Deployment
    tally: Tally = field(default_factory=Tally)
    windows: list[Window] = field(default_factory=list)
    stop: asyncio.Event = field(default_factory=asyncio.Event)

    async def run(self, faults: list[tuple[str, Fault]], settle_s: float = 4.0) -> Tally:
        maker = await make_supports(
            "gub-son-2027", ASPIRANTS, people=PEOPLE, images=6, seed=77, run_id="drill"
        )
        await asyncio.to_thread(self.deployed.load_roll, maker.people, CUT)
        tokens = [auxiliary(self.deployed, f"aux-drill-{i}") for i in range(4)]
        plan = Plan(rate=RATE, duration_s=3600, concurrency=16, timeout_s=CLIENT_TIMEOUT_S)
        async with httpx.AsyncClient(base_url=self.deployed.capture_url) as client:
            posting = asyncio.create_task(
                post_load(client, maker, tokens, plan, self._started, self.stop)
            )
            await asyncio.sleep(settle_s)
            for name, fault in faults:
                await self._during(name, fault)
                await asyncio.sleep(settle_s)
            self.stop.set()
            return await posting

    def _started(self, tally: Tally) -> None:
        self.tally = tally

    async def _during(self, name: str, fault: Fault) -> None:
        before, began = Counter(self.tally.statuses), time.monotonic()
        await fault()
        window = Window(name, Counter(self.tally.statuses) - before, time.monotonic() - began)
        self.windows.append(window)
        print(f"fault {name}: {window.seconds:.0f} s, capture answered {dict(window.answers)}")


def service_restart(deployed: Deployment, service: str) -> Fault:
    async def fault() -> None:
        deployed.kill(service)
        await asyncio.sleep(1)
        deployed.start(service)
        await asyncio.to_thread(deployed.wait_ready, (service,))

    return fault


def server_restart(server: str) -> Fault:
    async def fault() -> None:
        await asyncio.to_thread(infra, "restart", server)

    return fault


def server_out(server: str, seconds: float) -> Fault:
    async def fault() -> None:
        await asyncio.to_thread(infra, "stop", server)
        try:
            await asyncio.sleep(seconds)
        finally:
            await asyncio.to_thread(infra, "start", server)

    return fault


@dataclass(frozen=True)
class Account:
    acknowledged: int
    processed: int  # acknowledged supports with exactly one outcome in every service
    lost: int  # acknowledged, but in no export package
    doubled: int  # in more than one package record, or with an effect recorded twice
    unacknowledged_exported: int  # stored although the client saw no 202 (a timeout)

    def line(self) -> str:
        return (
            f"acknowledged={self.acknowledged} processed={self.processed} lost={self.lost} "
            f"doubled={self.doubled} (exported without a 202 seen: "
            f"{self.unacknowledged_exported})"
        )


async def account(deployed: Deployment, acknowledged: set[str], folder: Path) -> Account:
    """Wait for the pipeline to carry every acknowledged support to export, build a package per
    aspirant and count each support's records in them."""
    await deployed.exported_ids(len(acknowledged), seconds=900)
    in_packages: Counter[str] = Counter()
    for aspirant in ASPIRANTS:
        package = folder / f"{aspirant}.zip"
        await export(deployed, aspirant, package)
        in_packages.update(package_ids(package))
    effects = await effect_counts(deployed)
    processed = {s for s in acknowledged if all(c.get(s) == 1 for c in effects)}
    twice = {s for s, n in in_packages.items() if n > 1}
    twice |= {s for c in effects for s, n in c.items() if n > 1}
    return Account(
        acknowledged=len(acknowledged),
        processed=len(processed),
        lost=len(acknowledged - set(in_packages)),
        doubled=len(twice),
        unacknowledged_exported=len(set(in_packages) - acknowledged),
    )


def package_ids(package: Path) -> list[str]:
    with zipfile.ZipFile(package) as opened:
        lines = opened.read("supports.jsonl").decode().splitlines()
    return [json.loads(line)["support_id"] for line in lines if line.strip()]


async def effect_counts(deployed: Deployment) -> list[dict[str, int]]:
    """Per service that records an effect, how many rows each support has."""
    tables = ("identity.decodings", "verification.supports", "notification.outcomes",
              "export.records")  # fmt: skip
    sql = "SELECT support_id::text AS s, count(*) AS n FROM {} GROUP BY support_id"
    conn = await asyncpg.connect(deployed.dsn)
    try:
        rows = [await conn.fetch(sql.format(table)) for table in tables]
    finally:
        await conn.close()
    return [{r["s"]: int(r["n"]) for r in found} for found in rows]
