"""Identity throughput: supports per second per core for the CPU part, and what limits it.

A benchmark, not a test. One support is a front and a back (phone photos, level 1) and a
signature, analysed as the identity service's worker processes do (`analyse_support`), on one
thread. It prints the supports per CPU second and the median CPU milliseconds of each step
(CPU time, not wall-clock time: the figures hold on a machine busy with other work), so the
step to work on next is plain. Fetching from storage and publishing are I/O and overlap with
the workers' CPU time; the issue's target is 30 supports per second per core.

    .venv/bin/python benchmarks/identity_throughput.py [--supports 40]
"""

import os

os.environ["OMP_NUM_THREADS"] = "1"
os.environ["OPENBLAS_NUM_THREADS"] = "1"

import argparse
import time
from collections.abc import Callable
from typing import Any

import cv2
import numpy as np

from apoyo.client import support_files
from apoyo.synthetic.people import make_citizens
from apoyo_identity.analysis import analyse_support, decode_image
from apoyo_identity.vision import evidence, faces, phash
from apoyo_identity.vision.barcodes import read_barcodes
from apoyo_identity.vision.mrz_reader import read_mrz
from apoyo_identity.vision.text_rows import text_boxes

TARGET = 30.0


def timed(step: Callable[[], Any]) -> float:
    started = time.thread_time()
    step()
    return (time.thread_time() - started) * 1000


def steps(back: bytes) -> dict[str, float]:
    image = decode_image(back)
    assert image is not None
    gray = np.asarray(cv2.cvtColor(image, cv2.COLOR_BGR2GRAY), dtype=np.uint8)
    seen = evidence.views(image, gray)
    return {
        "decode JPEG": timed(lambda: decode_image(back)),
        "grey copy": timed(lambda: cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)),
        "MRZ": timed(lambda: read_mrz(gray)),
        "barcodes": timed(lambda: read_barcodes(gray)),
        # As the service runs them: together, sharing work (the text boxes), none skipped.
        "reduced copies": timed(lambda: evidence.views(image, gray)),
        "evidence checks": timed(lambda: evidence.flags(seen, legible=False)),
        "  of which grayscale": timed(lambda: evidence.looks_grayscale(image)),
        "  of which blurry": timed(lambda: evidence.is_blurry(image)),
        "  of which text rows": timed(lambda: text_boxes(seen.work)),
        "  of which screen": timed(lambda: evidence.looks_screen(image)),
        "perceptual hash": timed(lambda: phash.perceptual_hash(seen.work)),
        "face (selfies only)": timed(lambda: faces.has_face(seen.work)),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--supports", type=int, default=40)
    args = parser.parse_args()
    cv2.setNumThreads(1)
    people = make_citizens(args.supports, seed=4242)
    supports = [
        {k: v[1] for k, v in support_files(p, photo_seed=100 + i).items()}
        for i, p in enumerate(people)
    ]
    analyse_support(supports[0])  # warm-up: the MRZ classifier, the face cascade
    started = time.process_time()
    for images in supports:
        analyse_support(images)
    seconds = time.process_time() - started
    rate = len(supports) / seconds
    print(f"identity analysis, one thread, {len(supports)} supports (front, back, signature)")
    print(
        f"load average {os.getloadavg()[0]:.2f}; {1000 / rate:.1f} CPU ms per support, "
        f"{rate:.1f} supports/s per core "
        f"(target {TARGET:.0f}: {'PASS' if rate >= TARGET else 'FAIL'})"
    )
    per_step: dict[str, list[float]] = {}
    for images in supports:
        for name, ms in steps(images["credential_back"]).items():
            per_step.setdefault(name, []).append(ms)
    print("median CPU ms per card back, by step (the 'of which' ones with their copies):")
    for name, values in per_step.items():
        print(f"  {name:18} {float(np.median(values)):7.1f}")


if __name__ == "__main__":
    main()
