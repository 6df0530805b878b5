"""`apoyo load` from start to report: draw the supports, post them while watching the backlog,
wait for the backlog to drain, then print the figures (and write them as JSON if asked)."""

import asyncio
import json
import random
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from apoyo import admin
from apoyo.load import Plan, Tally, post_load
from apoyo.load_http import LoadClient
from apoyo.load_supports import SupportMaker, make_supports
from apoyo.load_watch import Backlog, Outcomes, StageTimes, outcomes
from apoyo_common.codes import Role
from apoyo_common.settings import Settings

Say = Callable[[str], None]


@dataclass(frozen=True)
class Target:
    url: str
    process_id: str
    aspirants: tuple[str, ...]
    auxiliaries: int = 20
    people: int = 5000
    images: int = 12
    seed: int = 2027
    every_s: float = 5.0
    drain_s: float = 120.0
    sample: int = 200
    metrics: dict[str, str] = field(default_factory=dict)


def percentile(values: list[float], q: float) -> float:
    """Nearest rank: the smallest value with at least q of them at or below it."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, int(q * len(ordered) + 0.999999) - 1))]


def spread_ms(values: list[float]) -> dict[str, float]:
    return {f"p{q}": round(percentile(values, q / 100) * 1000, 1) for q in (50, 95, 99)}


def tokens_for(settings: Settings, target: Target, run_id: str) -> tuple[list[str], str]:
    """Auxiliary tokens, one per simulated auxiliary (each token has its own rate limit), and an
    OPLE token to read the supports' statuses; all signed by the deployment's key."""
    auxiliaries = [
        admin.issue_token(
            settings, Role.AUXILIARY, target.process_id, None, "12h", f"load-{run_id}-aux-{i}"
        )
        for i in range(target.auxiliaries)
    ]
    ople = admin.issue_token(settings, Role.OPLE, None, None, "12h", f"load-{run_id}-ople")
    return auxiliaries, ople


def backlog_line(lags: dict[str, int | None]) -> str:
    return " ".join(f"{k}={'?' if v is None else v}" for k, v in lags.items())


async def watch(tally: Tally, backlog: Backlog | None, every_s: float, say: Say) -> None:
    """A line every `every_s` seconds while posting: sent, acknowledged, answers, backlog."""
    started, last = time.monotonic(), 0
    while True:
        await asyncio.sleep(every_s)
        accepted = len(tally.accepted)
        lags = backlog_line(await backlog.lags()) if backlog else "-"
        say(
            f"t={time.monotonic() - started:5.0f}s sent={tally.sent} accepted={accepted} "
            f"({(accepted - last) / every_s:.1f}/s) answers={dict(tally.statuses)} "
            f"backlog: {lags}"
        )
        last = accepted


async def drain(
    backlog: Backlog | None, client: httpx.AsyncClient, ople: str, ids: list[str], target: Target,
    say: Say,
) -> tuple[float, Outcomes]:  # fmt: skip
    """Until every stage's backlog is zero and the sampled supports are judged, or the time
    is up; the seconds it took and the sample's outcomes."""
    started = time.monotonic()
    while True:
        lags = await backlog.lags() if backlog else {}
        judged = await outcomes(client, ople, ids)
        waited = time.monotonic() - started
        say(f"drain t={waited:5.0f}s backlog: {backlog_line(lags)} sample pending={judged.pending}")
        empty = all(v == 0 for v in lags.values())
        if (empty and judged.pending == 0) or waited >= target.drain_s:
            return waited, judged
        await asyncio.sleep(target.every_s)


async def run_load(
    settings: Settings, target: Target, plan: Plan, say: Say, report_file: Path | None = None
) -> dict[str, object]:
    run_id = uuid.uuid4().hex[:8]
    maker = await make_supports(
        target.process_id, target.aspirants, people=target.people, images=target.images,
        seed=target.seed, run_id=run_id,
    )  # fmt: skip
    auxiliaries, ople = tokens_for(settings, target, run_id)
    backlog = Backlog(settings.kafka_bootstrap, settings.namespace)
    try:
        await asyncio.wait_for(backlog.start(), 10)
    except Exception:
        say("no se pudo leer Kafka: el rezago no se mostrará")
        backlog_or_none: Backlog | None = None
    else:
        backlog_or_none = backlog
    times = StageTimes(target.metrics)
    await times.mark()
    limits = httpx.Limits(max_connections=plan.concurrency + 8)
    async with httpx.AsyncClient(base_url=target.url, limits=limits) as client:
        report = await _posted_and_drained(
            client, maker, auxiliaries, ople, plan, target, backlog_or_none, say
        )
    if backlog_or_none is not None:
        await backlog.stop()
    report["stages"] = {f"{s}<-{t}": q for (s, t), q in (await times.quantiles()).items()}
    for line in summary_lines(report):
        say(line)
    if report_file is not None:
        report_file.write_text(json.dumps(report, indent=2, ensure_ascii=False))
    return report


async def _posted_and_drained(
    client: httpx.AsyncClient, maker: SupportMaker, auxiliaries: list[str], ople: str, plan: Plan,
    target: Target, backlog: Backlog | None, say: Say,
) -> dict[str, object]:  # fmt: skip
    watcher: asyncio.Task[None] | None = None

    def started(tally: Tally) -> None:
        nonlocal watcher
        watcher = asyncio.create_task(watch(tally, backlog, target.every_s, say))

    try:
        async with LoadClient(str(client.base_url)) as poster:  # cheaper than httpx's pool
            tally = await post_load(poster, maker, auxiliaries, plan, started)
    finally:
        if watcher is not None:
            watcher.cancel()
    ids = list(tally.accepted)
    sample = random.Random(target.seed).sample(ids, min(target.sample, len(ids)))  # noqa: S311
    drained_s, judged = await drain(backlog, client, ople, sample, target, say)
    return capture_figures(tally) | {
        "drain_s": round(drained_s, 1),
        "sample": len(sample),
        "sample_statuses": dict(judged.statuses),
        "reception_to_outcome_ms": spread_ms(judged.seconds),
        "pipeline_rate": round(len(ids) / (tally.elapsed_s + drained_s), 1) if ids else 0.0,
    }


def capture_figures(tally: Tally) -> dict[str, object]:
    return {
        "sent": tally.sent,
        "accepted": len(tally.accepted),
        "elapsed_s": round(tally.elapsed_s, 1),
        "accepted_rate": round(tally.accepted_rate, 1),
        "statuses": dict(tally.statuses),
        "capture_ms": spread_ms(tally.latencies),
        "slipped_s": round(tally.slipped_s, 2),
    }


def summary_lines(report: dict[str, object]) -> list[str]:
    lines = [
        f"sent {report['sent']}, acknowledged {report['accepted']} in {report['elapsed_s']} s: "
        f"{report['accepted_rate']} supports/s accepted (schedule slipped up to "
        f"{report['slipped_s']} s)",
        f"answers: {report['statuses']}",
        f"capture latency ms: {report['capture_ms']}",
        f"backlog drained {report['drain_s']} s after the last answer; whole pipeline "
        f"{report['pipeline_rate']} supports/s (acknowledged / until drained)",
        f"sample of {report['sample']}: {report['sample_statuses']}; reception to outcome ms: "
        f"{report['reception_to_outcome_ms']}",
    ]
    stages = report.get("stages")
    for name, figures in (stages if isinstance(stages, dict) else {}).items():
        shown = {k: round(v * 1000, 1) if k != "count" else int(v) for k, v in figures.items()}
        lines.append(f"stage {name} handler ms: {shown}")
    return lines
