"""The MRZ reader on development photos: what to tune on, never the benchmark's held-out ones.

A measuring script for work on the reader, not a test: per level, `read_mrz` over
`labelled_backs(20, level, seed)` for each seed of a range (1002-1033 at level 3 and
1002-1013 below, as docs/identity.md reports, unless `--seeds` says otherwise), printing the
exact reads, the wrong accepts (each one's differing characters, positions 0-89) and the
median CPU ms per image. Other ranges (5000-5031, 6000-6031) check that a change tuned on
the development seeds does not let wrong reads through elsewhere; `benchmarks/mrz.py` keeps
its seeds 9000 + level for the held-out figures.

    .venv/bin/python benchmarks/mrz_development.py [--levels 3] [--seeds 5000-5031]
"""

import os

os.environ["OMP_NUM_THREADS"] = "1"
os.environ["OPENBLAS_NUM_THREADS"] = "1"

import argparse
import sys
import time
from collections.abc import Sequence

import cv2
import numpy as np

from apoyo.synthetic.photos import labelled_backs
from apoyo_identity.vision.mrz_reader import read_mrz

PER_SEED = 20
DEVELOPMENT = {3: range(1002, 1034)}  # other levels: 1002-1013
OTHER_LEVELS = range(1002, 1014)


def measure(level: int, seeds: range) -> list[str]:
    exact = wrong = total = 0
    cpu: list[float] = []
    lines = []
    for seed in seeds:
        for item in labelled_backs(PER_SEED, level, seed):
            image = cv2.imdecode(np.frombuffer(item.image, np.uint8), cv2.IMREAD_COLOR)
            start = time.process_time()
            read = read_mrz(np.asarray(image, np.uint8))
            cpu.append((time.process_time() - start) * 1000)
            total += 1
            if read is None:
                continue
            got, truth = "".join(read.lines), "".join(item.mrz)
            if got == truth:
                exact += 1
                continue
            wrong += 1
            slips = [(p, got[p], truth[p]) for p in range(90) if got[p] != truth[p]]
            lines.append(f"  wrong accept, seed {seed}: (position, read, truth) {slips}")
    head = (
        f"level {level}, seeds {seeds.start}-{seeds.stop - 1}: exact {exact} of {total} "
        f"({100 * exact / total:.1f}%), wrong {wrong}, median CPU {np.median(cpu):.1f} ms"
    )
    return [head, *lines]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--levels", default="0,1,2,3", help="comma-separated levels, 0..3")
    parser.add_argument("--seeds", help="first-last seed, e.g. 5000-5031 (default: development)")
    args = parser.parse_args(argv)
    cv2.setNumThreads(1)
    print(f"load average {os.getloadavg()[0]:.2f} at the start; {PER_SEED} photos per seed")
    read_mrz(np.full((64, 64, 3), 255, np.uint8))  # learn or load the models first
    for level in (int(level) for level in args.levels.split(",")):
        if args.seeds:
            first, last = (int(part) for part in args.seeds.split("-"))
            seeds = range(first, last + 1)
        else:
            seeds = DEVELOPMENT.get(level, OTHER_LEVELS)
        print("\n".join(measure(level, seeds)), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
