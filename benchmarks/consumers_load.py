"""The pipeline after identity at a given rate: CPU per support of each consumer and server.

A benchmark, not a test. It needs the servers of deploy/local/infra.sh. Each service runs as
its own process (tests/e2e/harness.py), as in `pipeline_load.py`, but identity does not run:
its reading costs most of the machine (docs/operations.md, "Measured costs per support") and
would decide the rate the consumers after it see. This script plays identity instead.

1. Capture (`--workers` processes) takes `--supports` synthetic supports.
2. Verification, notification and export start and settle (their start is not counted).
3. The stand-in identity reads capture's `support.captured` events and publishes, at
   `--rate` a second, the `identity.decoded` identity would for each (the citizen's MRZ
   as read, the evidence as measured, no flags), keyed by citizen as identity keys them.
4. The time until the last support is exported, and the CPU time each process (capture
   with its `support.verified` consumer, verification, notification, export) and each
   server spent meanwhile, divided by the supports; and the PostgreSQL backends serving the
   deployment's own database apart (a shared server's figure carries other sessions' work).

    .venv/bin/python benchmarks/consumers_load.py [--supports 600] [--rate 60] [--workers 2]

The machine is shared: the load average is printed; CPU per support is the figure to compare.
"""

import argparse
import asyncio
import os
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import NamedTuple

from aiokafka import AIOKafkaProducer

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # the e2e harness deploys services as their own processes
sys.path.insert(0, str(ROOT / "benchmarks"))

from pipeline_load import backend_seconds, cpu_snapshot, print_cpu  # noqa: E402
from tests.e2e.conftest import PROCESS, aux_token  # noqa: E402
from tests.e2e.harness import Deployment, deployment  # noqa: E402
from tests.roll_files import CUT  # noqa: E402

from apoyo.load import Plan, post_load  # noqa: E402
from apoyo.load_http import LoadClient  # noqa: E402
from apoyo.load_supports import SupportMaker, make_supports  # noqa: E402
from apoyo.synthetic.mrz import mrz_fields  # noqa: E402
from apoyo.synthetic.people import Citizen  # noqa: E402
from apoyo_common.messages import EvidenceFacts, IdentityDecoded, SupportCaptured  # noqa: E402
from apoyo_common.topics import citizen_key  # noqa: E402

DOWNSTREAM = ("verification", "notification", "export")


async def captured(deployed: Deployment, supports: int, workers: int) -> SupportMaker:
    maker = await make_supports(
        "gub-son-2027", ("asp-01", "asp-02"), people=5000, images=12, seed=2027, run_id="bench"
    )
    await asyncio.to_thread(deployed.load_roll, maker.people, CUT)
    plan = Plan(count=supports, concurrency=32, timeout_s=30)
    async with LoadClient(deployed.capture_url) as client:
        tally = await post_load(client, maker, [aux_token(deployed)], plan)
    print(f"capture ({workers} workers): {len(tally.accepted)} of {supports} acknowledged")
    return maker


async def captured_events(deployed: Deployment, count: int) -> list[SupportCaptured]:
    firsts = await deployed.first_records("support.captured", count, 3600, "stand-in-identity")
    return [SupportCaptured.model_validate_json(body) for _, body in firsts.values()]


def decoded(event: SupportCaptured, person: Citizen | None, secret: bytes) -> IdentityDecoded:
    """What identity publishes for a support whose card it read as the citizen's own."""
    facts = tuple(
        EvidenceFacts(**e.model_dump(exclude={"content_type"}), matches_capture=True)
        for e in event.evidence
    )
    key = citizen_key(secret, event.process_id, event.form.clave_elector or event.support_id)
    mrz = None if person is None else mrz_fields(person)
    return IdentityDecoded(
        **event.envelope(), citizen_key=key, form=event.form, evidence=facts, mrz=mrz,
        decoded_at=datetime.now(UTC),
    )  # fmt: skip


async def play_identity(deployed: Deployment, events: list[IdentityDecoded], rate: float) -> None:
    """Published on schedule: event i is due i / rate seconds after the start."""
    producer = AIOKafkaProducer(
        bootstrap_servers=deployed.env["APOYO_KAFKA_BOOTSTRAP"], acks="all", linger_ms=5
    )
    await producer.start()
    topic, started, pending = f"{deployed.namespace}.identity.decoded", time.monotonic(), []
    try:
        for i, event in enumerate(events):
            wait = started + i / rate - time.monotonic()
            if wait > 0:
                await asyncio.sleep(wait)
            body = event.model_dump_json().encode()
            pending.append(await producer.send(topic, body, key=event.citizen_key.encode()))
        await asyncio.gather(*pending)
    finally:
        await producer.stop()


class Measured(NamedTuple):
    """What `downstream` measured: the seconds until the last export, each process's and
    server's CPU seconds, the supports exported, and the CPU seconds of the PostgreSQL backends
    serving this deployment's database."""

    took: float
    cpu: dict[str, float]
    seen: int
    backends: float


async def downstream(
    deployed: Deployment, maker: SupportMaker, count: int, rate: float
) -> Measured:
    events = await captured_events(deployed, count)
    by_clave = {p.clave_elector: p for p in maker.people}
    secret = deployed.env["APOYO_CITIZEN_KEY_SECRET"].encode()
    ready = [decoded(e, by_clave.get(e.form.clave_elector or ""), secret) for e in events]
    backends = backend_seconds(deployed.dsn)
    before, started = cpu_snapshot(deployed), time.monotonic()
    player = asyncio.create_task(play_identity(deployed, ready, rate))
    seen = await deployed.exported_ids(len(ready), seconds=1800)
    took = time.monotonic() - started
    after = cpu_snapshot(deployed)
    backends = backend_seconds(deployed.dsn) - backends
    await player
    return Measured(took, {n: after[n] - before.get(n, 0.0) for n in after}, len(seen), backends)


def idle_rates(deployed: Deployment, seconds: float) -> dict[str, float]:
    """CPU seconds a second of each process and server while the consumers wait for work."""
    time.sleep(seconds / 2)
    before = cpu_snapshot(deployed)
    time.sleep(seconds / 2)
    after = cpu_snapshot(deployed)
    return {n: (after[n] - before.get(n, 0.0)) / (seconds / 2) for n in after}


def print_idle(idle: dict[str, float], took: float, count: int) -> None:
    """The servers are shared with whatever else runs (other deployments' topics and
    databases): their CPU while this deployment was idle, and what that is a support."""
    print("  idle before the run, ms a second (and its share of a support over the run):")
    for name, rate in sorted(idle.items(), key=lambda item: -item[1]):
        print(f"    {name:13s} {1000 * rate:8.1f} ({1000 * rate * took / max(count, 1):.1f})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--supports", type=int, default=600)
    parser.add_argument("--rate", type=float, default=60.0, help="identity.decoded a second")
    parser.add_argument("--workers", type=int, default=2, help="capture's processes")
    parser.add_argument("--settle", type=float, default=10.0, help="seconds after ready")
    args = parser.parse_args()
    print(f"load average at start: {os.getloadavg()}, cores: {os.cpu_count()}")
    deployed = deployment(ROOT / ".local" / "bench-logs")
    deployed.env |= {"APOYO_RATE_IP_PER_S": "0", "APOYO_RATE_TOKEN_PER_S": "0"}
    try:
        deployed.env["APOYO_HTTP_WORKERS"] = str(args.workers)
        deployed.start("capture")
        del deployed.env["APOYO_HTTP_WORKERS"]
        deployed.wait_ready(("capture",))
        deployed.create_process(PROCESS)
        maker = asyncio.run(captured(deployed, args.supports, args.workers))
        for service in DOWNSTREAM:
            deployed.start(service)
        deployed.wait_ready(DOWNSTREAM)
        idle = idle_rates(deployed, args.settle)  # the groups joined, the process read
        took, cpu, seen, backends = asyncio.run(
            downstream(deployed, maker, args.supports, args.rate)
        )
        print(f"  postgres, this deployment's backends only: {1000 * backends / max(seen, 1):.2f} "
              "CPU ms a support")  # fmt: skip
        print(f"after identity, at {args.rate:.0f} a second: {seen} of {args.supports} "
              f"exported in {took:.1f} s ({seen / took:.1f} supports/s)")  # fmt: skip
        print_cpu(seen, cpu)
        print(f"  consumers and servers: {1000 * sum(cpu.values()) / max(seen, 1):.2f} ms")
        print_idle(idle, took, seen)
    finally:
        deployed.retire()
    print(f"load average at end: {os.getloadavg()}")


if __name__ == "__main__":
    main()
