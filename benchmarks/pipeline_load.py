"""The issue's operating targets, measured with `apoyo load` on the real servers.

A benchmark, not a test. It needs the servers of deploy/local/infra.sh. Each service runs as
its own process (tests/e2e/harness.py), with the capture rate limits off (one client address
would otherwise meet them).

1. Capture API alone: only capture runs; N supports (real synthetic credential photos, about
   400 KB each) posted as fast as C requests in flight allow, or with `--rate R` at R a second
   (an open schedule: each support's latency timed from when it was due, and the accepted
   rate read between the 10th and the 90th percentile of the acknowledgements). Target: at
   least 300 supports a second accepted, p99 under 250 ms.
2. Whole pipeline: identity, verification, notification and export start on that backlog;
   the time until the last support is exported gives the rate the pipeline sustains. Target:
   at least 60 supports a second. The CPU time each service's processes (and each server)
   spent, divided by the supports, is its cost per support; the stage with the highest cost
   per support for the cores it can use is the bottleneck. The backlog was posted first, so a
   drain runs without capture beside it and the later stages may catch up after identity's
   window: what every stage needs running at once (capture's posting, identity over its
   drain, the other stages and the servers until the last export) bounds the rate too, on
   this machine's cores, and the sustained rate is the lower of the drains and that bound.

Capture runs `--workers` processes (2 by default: one per core of this machine); the load
generator's own CPU is printed with the others. `--capture-only` stops after the first part
(docs/operations.md, "Capture's reception").

    .venv/bin/python benchmarks/pipeline_load.py [--supports 1500] [--concurrency 32]
        [--rate 0] [--workers 2] [--capture-only]
"""

import argparse
import asyncio
import os
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import asyncpg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # the e2e harness deploys services as their own processes

from tests.e2e.conftest import PROCESS, aux_token  # noqa: E402
from tests.e2e.harness import Deployment, deployment  # noqa: E402
from tests.roll_files import CUT  # noqa: E402

from apoyo.load import Plan, Tally, post_load  # noqa: E402
from apoyo.load_http import LoadClient  # noqa: E402
from apoyo.load_report import capture_figures, spread_ms  # noqa: E402
from apoyo.load_supports import make_supports  # noqa: E402

CAPTURE_RATE, CAPTURE_P99_MS, PIPELINE_RATE = 300.0, 250.0, 60.0
CONSUMERS = ("identity", "verification", "notification", "export")
TICKS = os.sysconf("SC_CLK_TCK")
STATS_FLUSH_S = 11  # PostgreSQL reports an idle backend's counts within 10 s


def cpu_seconds(pid: int) -> float:
    """CPU time of a process and its live descendants (identity's worker pool), from /proc."""
    total, children = 0.0, _children()
    stack = [pid]
    while stack:
        current = stack.pop()
        try:
            fields = Path(f"/proc/{current}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        # utime, stime, and cutime, cstime: what its children that ended had spent (a
        # PostgreSQL backend that closed, a worker that was replaced)
        total += sum(int(f) for f in fields[11:15]) / TICKS
        stack.extend(children.get(current, []))
    return total


def _children() -> dict[int, list[int]]:
    found: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            found.setdefault(parent, []).append(int(entry.name))
    return found


def server_pids() -> dict[str, int]:
    """The Kafka, PostgreSQL and S3 servers of deploy/local/infra.sh, by their pid files."""
    state = Path(os.environ.get("APOYO_STATE", ROOT / ".local" / "infra"))
    files = {
        "kafka": state / "kafka" / "kafka.pid",
        "s3": state / "s3" / "s3.pid",
        "postgres": state / "postgres" / "data" / "postmaster.pid",
    }
    pids = {}
    for name, path in files.items():
        try:
            pids[name] = int(path.read_text().split()[0])
        except (OSError, ValueError, IndexError):
            continue
    return pids


def backend_seconds(dsn: str) -> float:
    """CPU time of the PostgreSQL backends serving the database of `dsn` (a backend's process
    title names its database): the server's work for this deployment's connections, without
    other deployments' on a shared server, nor the server's own processes (WAL writer,
    checkpointer) that serve every database."""
    database, total = f" {dsn.rsplit('/', 1)[-1].split('?')[0]} ", 0.0
    for entry in Path("/proc").iterdir():
        try:
            title = (entry / "cmdline").read_bytes().decode(errors="replace")
        except OSError:
            continue
        if title.startswith("postgres: ") and database in title:
            total += cpu_seconds(int(entry.name))
    return total


def cpu_snapshot(deployed: Deployment) -> dict[str, float]:
    processes = dict(deployed.processes)  # a copy: the sampler's thread reads it as it grows
    pids = {s: p.pid for s, p in processes.items()} | server_pids()
    return {name: cpu_seconds(pid) for name, pid in pids.items()}


Sample = tuple[float, dict[str, float]]  # when (time.monotonic), and CPU seconds so far


class Sampler(threading.Thread):
    """CPU snapshots twice a second while a backlog drains, so the CPU spent between two
    moments of the drain (not its start, not its stragglers) can be read afterwards."""

    def __init__(self, snapshot: Callable[[], dict[str, float]]) -> None:
        super().__init__(daemon=True)
        self.snapshot, self.samples, self.done = snapshot, list[Sample](), threading.Event()

    def run(self) -> None:
        while not self.done.is_set():
            self.samples.append((time.monotonic(), self.snapshot()))
            self.done.wait(0.5)
        self.samples.append((time.monotonic(), self.snapshot()))  # one after the last arrival

    def between(self, first: float, last: float) -> dict[str, float]:
        """Each process's CPU seconds from `first` to `last`, each moment read between the
        samples around it (a window shorter than the sampling step included)."""
        start, end = self.at(first), self.at(last)
        return {k: v - start.get(k, 0.0) for k, v in end.items()}

    def at(self, moment: float) -> dict[str, float]:
        """Each process's CPU seconds at `moment`, read between the two samples around it."""
        samples = self.samples
        later = next((i for i, (t, _) in enumerate(samples) if t >= moment), len(samples) - 1)
        (t0, a), (t1, b) = samples[max(later - 1, 0)], samples[later]
        share = min(max((moment - t0) / (t1 - t0), 0.0), 1.0) if t1 > t0 else 1.0
        return {k: a.get(k, 0.0) + share * (v - a.get(k, 0.0)) for k, v in b.items()}

    def made(self, arrivals: list[float]) -> tuple[float, int, dict[str, float]]:
        """Seconds, supports and each process's CPU seconds from the end of the first burst of
        the sorted `arrivals` to the last one: the CPU spent in that time made the arrivals
        after that burst (its own work was done before it). Identity publishes a batch's
        outputs together (64 with two workers, a second or so apart): counting them from
        samples half a second apart put a whole batch in or out of the count, and its CPU ms
        a support printed up to 7% low (docs/identity.md, 2026-12-01). Arrivals that never
        pause count from the first."""
        first = first_burst(arrivals) - 1 if len(arrivals) > 1 else 0
        spent = self.between(arrivals[first], arrivals[-1])
        return arrivals[-1] - arrivals[first], len(arrivals) - 1 - first, spent


# Identity's batches arrive in bursts a few milliseconds long, a second or more apart.
BURST_GAP = 0.25


def first_burst(arrivals: list[float]) -> int:
    """How many of the sorted arrivals came in the first burst; 1 if they never pause."""
    ends = (i for i in range(1, len(arrivals)) if arrivals[i] - arrivals[i - 1] > BURST_GAP)
    return next(ends, 1)


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


async def capture_alone(deployed: Deployment, plan: Plan) -> tuple[Tally, dict[str, float]]:
    """The load run's tally, and the CPU seconds each process spent during the posting."""
    maker = await make_supports(
        "gub-son-2027", ("asp-01", "asp-02"), people=5000, images=12, seed=2027, run_id="bench"
    )
    await asyncio.to_thread(deployed.load_roll, maker.people, CUT)  # verification needs a cut
    tokens = [aux_token(deployed)]
    await asyncio.sleep(STATS_FLUSH_S)
    transactions = await committed(deployed.dsn)
    before, own = cpu_snapshot(deployed), time.process_time()
    async with LoadClient(deployed.capture_url) as client:
        tally = await post_load(client, maker, tokens, plan)
    spent, own = cpu_snapshot(deployed), time.process_time() - own
    cpu = {k: v - before.get(k, 0.0) for k, v in spent.items()} | {"load generator": own}
    await asyncio.sleep(STATS_FLUSH_S)  # the outbox relay's last passes included
    transactions = await committed(deployed.dsn) - transactions
    print(f"  PostgreSQL transactions a support: {transactions / max(len(tally.accepted), 1):.2f}")
    return tally, cpu


async def committed(dsn: str) -> int:
    """Transactions the deployment's database has seen: each statement outside a transaction
    is one, so this counts capture's round trips that write or read (the relay's included)."""
    conn = await asyncpg.connect(dsn)
    try:
        found = await conn.fetchval(
            "SELECT xact_commit + xact_rollback FROM pg_stat_database "
            "WHERE datname = current_database()"
        )
    finally:
        await conn.close()
    return int(found)


@dataclass(frozen=True)
class Drain:
    """One stage's drain read on its output topic between the 10th and the 90th percentile of
    its arrivals (from the end of the burst at the 10th, `Sampler.made`): its rate, and the CPU
    seconds each process spent over `seconds` of it, which made the `supports` after it."""

    topic: str
    rate: float
    seconds: float
    supports: int
    cpu: dict[str, float]


# The first stage's output and the last's: identity can finish the backlog before exports
# flow (the others start slower and batch), so a window read on exports alone can catch
# identity idle and show the later stages' rate as the pipeline's.
WATCHED = ("identity.decoded", "support.exported")


async def pipeline(
    deployed: Deployment, ids: list[str]
) -> tuple[float, list[Drain], dict[str, float]]:
    """Start the consumers on the backlog; seconds until every support is exported, and the
    drain of each watched topic. Each is read between the 10th and the 90th percentile of its
    own arrivals: a service's start (imports, migrations, identity's models) is not a cost per
    support."""
    started = time.monotonic()
    sampler = Sampler(lambda: cpu_snapshot(deployed))
    sampler.start()
    try:
        for service in CONSUMERS:
            deployed.start(service)
        watched = [deployed.arrivals(topic, len(ids), seconds=3600) for topic in WATCHED]
        arrivals = await asyncio.gather(*watched)
    finally:
        sampler.done.set()
    took = time.monotonic() - started
    exported = set(arrivals[-1]) & set(ids)
    if len(exported) < len(ids):
        print(f"only {len(exported)} of {len(ids)} exported within the wait")
    drains = [
        drained(sampler, t, sorted(a.values())) for t, a in zip(WATCHED, arrivals, strict=True)
    ]
    # From the first support decoded to the last exported: every stage's work on the backlog
    # (the later stages' catching up included), without the services' start.
    whole = sampler.between(min(arrivals[0].values()), max(arrivals[-1].values()))
    return took, drains, whole


def drained(sampler: Sampler, topic: str, times: list[float]) -> Drain:
    first, last = steady_window(times)
    span, supports, cpu = sampler.made(times[first : last + 1])
    return Drain(topic, supports / span if span > 0 else 0.0, span, supports, cpu)


def steady_window(times: list[float]) -> tuple[int, int]:
    """Indices of the 10th and the 90th percentile of the sorted arrival times."""
    return len(times) // 10, len(times) - 1 - len(times) // 10


def steady_rate(times: list[float]) -> float:
    """Supports a second between the 10th and the 90th percentile of the arrivals: the drain
    itself, without the services' start (identity's takes seconds) nor the last stragglers."""
    first, last = steady_window(times)
    span = times[last] - times[first] if last > first else 0.0
    return (last - first) / span if span > 0 else 0.0


def target_line(label: str, value: float, unit: str, target: str, ok: bool) -> str:
    return f"  {label:10s} {value:8.1f} {unit:12s} target {target:8s} {verdict(ok)}"


def print_capture(tally: Tally, plan: Plan) -> None:
    figures, latency = capture_figures(tally), spread_ms(tally.latencies)
    p99 = latency["p99"]
    print(f"capture API: {figures['accepted']} of {figures['sent']} acknowledged in "
          f"{figures['elapsed_s']} s; answers {figures['statuses']}")  # fmt: skip
    rate = tally.accepted_rate
    if plan.rate > 0:  # an open schedule's end waits for its last answers: read the steady part
        rate = steady_rate(sorted(tally.accepted.values()))
        print(f"  offered {plan.rate:.0f} supports/s, {plan.concurrency} in flight at most; "
              f"schedule slipped up to {tally.slipped_s * 1000:.0f} ms; accepted rate from the "
              "10th to the 90th percentile of the acknowledgements, latency from each "
              "support's due time")  # fmt: skip
    print(target_line("accepted", rate, "supports/s", ">= 300", rate >= CAPTURE_RATE))
    print(target_line("p99", p99, "ms", f"< {CAPTURE_P99_MS:.0f}", p99 < CAPTURE_P99_MS))
    print(f"  latency ms {latency}")


def print_cpu(count: int, cpu: dict[str, float]) -> None:
    print("  CPU ms per support (all processes of each service, and each server):")
    for name, seconds in sorted(cpu.items(), key=lambda item: -item[1]):
        print(f"    {name:13s} {1000 * seconds / max(count, 1):8.2f}")


def print_together(
    count: int, posting: dict[str, float], whole: dict[str, float], decoding: Drain
) -> float:
    """CPU ms a support of every stage at once, and the most supports a second this machine's
    cores give them together: capture's posting (with its servers, not the load generator),
    identity's own processes over its drain, and everything else from the first support
    decoded to the last exported (the later stages' catching up included; identity's share
    of the servers for its first batch, decoded before that, is left out)."""
    per = 1000 / max(count, 1)
    captured = per * sum(v for k, v in posting.items() if k != "load generator")
    identity = 1000 * decoding.cpu.get("identity", 0.0) / max(decoding.supports, 1)
    rest = per * sum(v for k, v in whole.items() if k != "identity")
    ms, cores = captured + identity + rest, os.cpu_count() or 1
    bound = 1000 * cores / ms if ms else 0.0
    print(f"  every stage at once: {ms:.1f} CPU ms a support (capture's posting {captured:.1f}, "
          f"identity {identity:.1f}, the rest until the last export {rest:.1f}): at most "
          f"{bound:.1f} supports/s on {cores} cores")  # fmt: skip
    return bound


def print_pipeline(
    count: int, took: float, drains: list[Drain], posting: dict[str, float], whole: dict[str, float]
) -> None:
    print(f"whole pipeline: {count} supports exported in {took:.1f} s, the services' start "
          f"included ({count / took:.1f} supports/s); each rate and CPU below is a drain's, "
          "from the 10th to the 90th percentile of its topic's arrivals")  # fmt: skip
    for drain in drains:
        # Exports of one relay pass can land together after identity's backlog: no drain.
        burst = " (one burst behind the stage before: not a rate)" if drain.seconds < 1 else ""
        print(f"  {drain.topic}: {drain.rate:.1f} supports/s ({drain.seconds:.1f} s, "
              f"{drain.supports} supports){burst}")  # fmt: skip
        print_cpu(drain.supports, drain.cpu)
    slowest = min(drains, key=lambda d: d.rate)
    bound = print_together(count, posting, whole, drains[0])
    sustained = min(slowest.rate, bound)
    print(target_line("sustained", sustained, "supports/s", ">= 60", sustained >= PIPELINE_RATE))
    stages = {s: slowest.cpu[s] for s in CONSUMERS if s in slowest.cpu}
    worst = max(stages, key=lambda s: stages[s])
    per_core = slowest.supports / stages[worst] if stages[worst] else 0.0
    print(f"  bottleneck: {worst} (in the drain of {slowest.topic}), "
          f"{1000 * stages[worst] / slowest.supports:.1f} CPU ms a support "
          f"(at most {per_core:.1f} supports/s per core)")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--supports", type=int, default=1500)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--rate", type=float, default=0.0, help="supports a second; 0: flat out")
    parser.add_argument("--workers", type=int, default=2, help="capture's processes")
    parser.add_argument("--capture-only", action="store_true", help="skip the pipeline phase")
    args = parser.parse_args()
    print(f"load average at start: {os.getloadavg()}, cores: {os.cpu_count()}")
    deployed = deployment(ROOT / ".local" / "bench-logs")
    deployed.env |= {"APOYO_RATE_IP_PER_S": "0", "APOYO_RATE_TOKEN_PER_S": "0"}
    try:
        deployed.env["APOYO_HTTP_WORKERS"] = str(args.workers)  # capture's processes only
        deployed.start("capture")
        del deployed.env["APOYO_HTTP_WORKERS"]
        deployed.wait_ready(("capture",))
        deployed.create_process(PROCESS)
        plan = Plan(args.rate, args.supports, concurrency=args.concurrency, timeout_s=30)
        tally, spent = asyncio.run(capture_alone(deployed, plan))
        print_capture(tally, plan)
        print_cpu(len(tally.accepted), spent)
        if args.capture_only:
            return
        ids = list(tally.accepted)
        took, drains, whole = asyncio.run(pipeline(deployed, ids))
        print_pipeline(len(ids), took, drains, spent, whole)
    finally:
        deployed.retire()
    print(f"load average at end: {os.getloadavg()}")


if __name__ == "__main__":
    main()
