"""MRZ benchmark: our reader beside PassportEye on held-out synthetic phone photos.

A benchmark, not a test: it prints, per degradation level, the exact-read rate, the wrong
accepts and the milliseconds per image of `read_mrz` (in process, one thread) and of PassportEye
(Tesseract-based, in its own venv made by benchmarks/setup_anchors.sh), with the targets.

    bash benchmarks/setup_anchors.sh          # once: tesseract-ocr + .local/bench-venv
    .venv/bin/python benchmarks/mrz.py [--images 50] [--levels 0,1,2,3]

Exact: all three lines equal to the truth. Accepted: ours returns a read only when every check
digit holds, so every read of ours is an accept; a PassportEye read is an accept when it claims
valid check digits. Wrong accept: accepted but not exact. Milliseconds cover decoding the JPEG
and reading it, measured per image after a warm-up; `cpu ms` is the CPU time of this process for
the same work, which other work on a busy machine does not inflate.
"""

import os

# One thread for every numeric library, set before numpy and OpenCV are imported.
os.environ["OMP_NUM_THREADS"] = "1"
os.environ["OPENBLAS_NUM_THREADS"] = "1"
os.environ["MKL_NUM_THREADS"] = "1"
os.environ["OMP_THREAD_LIMIT"] = "1"  # Tesseract, under PassportEye

import argparse
import json
import platform
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from apoyo.synthetic.photos import LabelledImage, labelled_backs
from apoyo_identity.vision.mrz_reader import read_mrz

ROOT = Path(__file__).resolve().parent.parent
BENCH_PYTHON = ROOT / ".local" / "bench-venv" / "bin" / "python"
WORKER = Path(__file__).resolve().parent / "passporteye_worker.py"
SEED_BASE = 9000  # held out: the tests and the reader's development use other seeds
TARGET_EXACT = 99.0
TARGET_WRONG = 0
TARGET_MS = 25.0
WARM_UP = 3


@dataclass(frozen=True)
class Outcome:
    exact: bool
    accepted: bool
    ms: float
    cpu_ms: float | None = None  # this process's CPU time: what a loaded machine does not inflate


@dataclass(frozen=True)
class Summary:
    count: int
    exact: float  # percent
    wrong: int
    median_ms: float
    p90_ms: float
    median_cpu_ms: float | None


def summarise(outcomes: Sequence[Outcome]) -> Summary:
    ms = [o.ms for o in outcomes]
    return Summary(
        count=len(outcomes),
        exact=100.0 * sum(o.exact for o in outcomes) / len(outcomes),
        wrong=sum(o.accepted and not o.exact for o in outcomes),
        median_ms=float(np.median(ms)),
        p90_ms=float(np.percentile(ms, 90)),
        median_cpu_ms=(
            float(np.median([o.cpu_ms for o in outcomes if o.cpu_ms is not None]))
            if all(o.cpu_ms is not None for o in outcomes)
            else None
        ),
    )


def _decode(jpeg: bytes) -> np.ndarray[tuple[int, ...], np.dtype[np.uint8]]:
    image = cv2.imdecode(np.frombuffer(jpeg, np.uint8), cv2.IMREAD_COLOR)
    return np.asarray(image, dtype=np.uint8)


def run_ours(items: Sequence[LabelledImage]) -> list[Outcome]:
    outcomes = []
    for item in items:
        start, cpu = time.perf_counter(), time.process_time()
        read = read_mrz(_decode(item.image))
        ms = (time.perf_counter() - start) * 1000
        cpu_ms = (time.process_time() - cpu) * 1000
        exact = read is not None and read.lines == item.mrz
        outcomes.append(Outcome(exact, read is not None, ms, cpu_ms))
    return outcomes


def run_passporteye(paths: dict[Path, LabelledImage]) -> list[Outcome] | str:
    """PassportEye over every image in one worker process, or why it could not run."""
    if not BENCH_PYTHON.exists():
        return "missing: run `bash benchmarks/setup_anchors.sh` (tesseract-ocr + bench venv)"
    done = subprocess.run(
        [str(BENCH_PYTHON), str(WORKER)],
        input="\n".join(str(p) for p in paths),
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        return f"worker failed ({done.returncode}): {done.stderr.strip()[-400:]}"
    outcomes = []
    for line in done.stdout.splitlines():
        record = json.loads(line)
        truth = paths[Path(record["path"])].mrz
        lines = tuple(record["lines"]) if record["lines"] is not None else None
        outcomes.append(Outcome(lines == truth, bool(record["valid"]), float(record["ms"])))
    return outcomes


def per_level(items: Sequence[LabelledImage], outcomes: Sequence[Outcome]) -> dict[int, Summary]:
    by_level: dict[int, list[Outcome]] = {}
    for item, outcome in zip(items, outcomes, strict=True):
        by_level.setdefault(item.level, []).append(outcome)
    return {level: summarise(found) for level, found in by_level.items()}


def _command_line(command: list[str]) -> str:
    # Without our thread limits: nproc, for one, reports OMP_NUM_THREADS when it is set.
    env = {k: v for k, v in os.environ.items() if not k.startswith("OMP_")}
    try:
        done = subprocess.run(
            command, capture_output=True, text=True, check=False, timeout=60, env=env
        )
    except (OSError, subprocess.TimeoutExpired):
        return "not installed"
    lines = (done.stdout or done.stderr).strip().splitlines()
    return lines[0] if done.returncode == 0 and lines else "not installed"


def machine() -> list[str]:
    cpuinfo = Path("/proc/cpuinfo")
    models = [
        line.split(":", 1)[1].strip()
        for line in (cpuinfo.read_text().splitlines() if cpuinfo.exists() else [])
        if line.startswith("model name")
    ]
    passporteye = (
        _command_line(
            [
                str(BENCH_PYTHON),
                "-c",
                "import importlib.metadata as m; print(m.version('passporteye'))",
            ]
        )
        if BENCH_PYTHON.exists()
        else "not installed"
    )
    return [
        f"machine: nproc {_command_line(['nproc'])}, {models[0] if models else platform.machine()}"
        f", load average {os.getloadavg()[0]:.2f} at the start",
        f"versions: python {platform.python_version()}, opencv {cv2.__version__}, "
        f"{_command_line(['tesseract', '--version'])}, passporteye {passporteye}",
    ]


def _mark(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def table(ours: dict[int, Summary], anchor: dict[int, Summary] | str) -> list[str]:
    head = (
        f"{'level':>5} | {'ours exact':>12} {'wrong':>8} {'median ms':>14} {'p90 ms':>7} "
        f"{'cpu ms':>6} | "
        f"{'PassportEye exact':>17} {'wrong':>5} {'median ms':>9}"
    )
    rows = [head, "-" * len(head)]
    for level, s in ours.items():
        row = (
            f"{level:>5} | {s.exact:>6.1f}% {_mark(s.exact >= TARGET_EXACT)} "
            f"{s.wrong:>3} {_mark(s.wrong <= TARGET_WRONG)} "
            f"{s.median_ms:>9.1f} {_mark(s.median_ms <= TARGET_MS)} {s.p90_ms:>7.1f} "
            f"{s.median_cpu_ms or 0:>6.1f} | "
        )
        if isinstance(anchor, dict):
            a = anchor[level]
            row += f"{a.exact:>16.1f}% {a.wrong:>5} {a.median_ms:>9.1f}"
        else:
            row += f"{'n/a':>17} {'n/a':>5} {'n/a':>9}"
        rows.append(row)
    passed = all(
        s.exact >= TARGET_EXACT and s.wrong <= TARGET_WRONG and s.median_ms <= TARGET_MS
        for s in ours.values()
    )
    rows.append(
        f"targets (ours, every level): exact >= {TARGET_EXACT:.0f}%, {TARGET_WRONG} wrong accepts, "
        f"median <= {TARGET_MS:.0f} ms per image on one core: {_mark(passed)}"
    )
    rows.append(
        "cpu ms: median CPU time of this process per image (the targets use wall-clock ms; on a "
        "busy machine the CPU time is what one core spends)"
    )
    if isinstance(anchor, str):
        rows.append(f"PassportEye anchor {anchor}")
    return rows


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--images", type=int, default=50, help="held-out images per level")
    parser.add_argument("--levels", default="0,1,2,3", help="comma-separated levels, 0..3")
    args = parser.parse_args(argv)
    levels = [int(level) for level in args.levels.split(",")]
    cv2.setNumThreads(1)
    about = machine()  # before the work, for the load average

    print(f"generating {args.images} images per level {levels} ...", file=sys.stderr)
    sets = {level: labelled_backs(args.images, level, SEED_BASE + level) for level in levels}
    warm = labelled_backs(WARM_UP, 0, seed=SEED_BASE - 1)
    run_ours(warm)
    ours = {level: summarise(run_ours(items)) for level, items in sets.items()}

    with tempfile.TemporaryDirectory(prefix="mrz-bench-") as folder:
        paths = {}
        for level, items in sets.items():
            for i, item in enumerate(items):
                path = Path(folder) / f"level{level}-{i:04d}.jpg"
                path.write_bytes(item.image)
                paths[path] = item
        print(f"PassportEye on {len(paths)} images (about 1 s each) ...", file=sys.stderr)
        outcomes = run_passporteye(paths)
    anchor = outcomes if isinstance(outcomes, str) else per_level([*paths.values()], outcomes)

    print(
        f"MRZ benchmark: {args.images} held-out images per level "
        f"(labelled_backs seed {SEED_BASE}+level), one thread"
    )
    for line in [*about, "", *table(ours, anchor)]:
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
