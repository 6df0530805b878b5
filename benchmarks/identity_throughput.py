"""Identity throughput: supports per second per core for the CPU part, and what limits it.

A benchmark, not a test. One support is a front and a back (phone photos, level 1) and a
signature, analysed as the identity service's worker processes do (`analyse_support`, on one
thread, with their settings of glibc's malloc). It prints the supports per CPU second and the
median CPU milliseconds of each step (CPU time, not wall-clock time: the figures hold better
on a machine busy with other work), so the step to work on next is plain. Fetching from
storage and publishing are I/O and overlap with the workers' CPU time; the issue's target is
30 supports per second per core.

    .venv/bin/python benchmarks/identity_throughput.py [--supports 40] [--rounds 1]
        [--full-size] [--selfie]

Under load from other work, the quickest of a few --rounds is the steadier figure.
`--full-size` sends the card sides as a phone's 12-megapixel photos (4000 × 3000: the
generator's 1280 × 960 photos enlarged, with fresh sensor grain so the JPEG weighs what a
phone's does); `--selfie` adds a selfie without a face (an empty desk, the size of the
sides), the case where the face search looks at the whole picture.
"""

import argparse
import os
import random
import resource
import sys
import time
from collections.abc import Callable
from typing import Any

import cv2
import numpy as np

from apoyo.client import support_files
from apoyo.synthetic.people import make_citizens
from apoyo.synthetic.photo_ops import desk, to_jpeg
from apoyo_common.heap import ANALYSIS, keep_large_blocks
from apoyo_identity.analysis import analyse_support, decode_image, decode_picture
from apoyo_identity.pool import ONE_THREAD
from apoyo_identity.vision import evidence, faces, phash
from apoyo_identity.vision.barcodes import read_barcodes
from apoyo_identity.vision.mrz_reader import read_mrz
from apoyo_identity.vision.text_rows import text_boxes

TARGET = 30.0
PHONE = (4000, 3000)  # a 12-megapixel phone photo


def timed(step: Callable[[], Any]) -> float:
    started = time.thread_time()
    step()
    return (time.thread_time() - started) * 1000


def full_size(photo: bytes, seed: int) -> bytes:
    """The photo as a 12-megapixel phone would send it: enlarged, with its own fine grain
    (an enlarged JPEG alone is smooth, and smooth JPEGs decode quicker than a phone's)."""
    image = np.asarray(cv2.imdecode(np.frombuffer(photo, np.uint8), cv2.IMREAD_COLOR), np.uint8)
    large = cv2.resize(image, PHONE, interpolation=cv2.INTER_CUBIC)
    grain = np.random.default_rng(seed).normal(0, 2.5, (PHONE[1], PHONE[0], 1))
    noisy = np.clip(large + grain, 0, 255).astype(np.uint8)
    return bytes(cv2.imencode(".jpg", noisy, [cv2.IMWRITE_JPEG_QUALITY, 90])[1])


def faceless_selfie(seed: int, size: tuple[int, int]) -> bytes:
    """A selfie with no one in it: the desk, as a JPEG."""
    r, rng = random.Random(seed), np.random.default_rng(seed)  # noqa: S311 - synthetic
    return to_jpeg(desk(r, rng, size), 90)


def make_supports(count: int, large: bool, selfie: bool) -> list[dict[str, bytes]]:
    supports = []
    for i, person in enumerate(make_citizens(count, seed=4242)):
        images = {k: v[1] for k, v in support_files(person, photo_seed=100 + i).items()}
        if large:
            for side in ("credential_front", "credential_back"):
                images[side] = full_size(images[side], seed=i)
        if selfie:
            images["selfie"] = faceless_selfie(i, PHONE if large else (1280, 960))
        supports.append(images)
    return supports


def steps(back: bytes) -> dict[str, float]:
    image = decode_image(back)
    assert image is not None
    gray = np.asarray(cv2.cvtColor(image, cv2.COLOR_BGR2GRAY), dtype=np.uint8)
    seen = evidence.views(image, gray)
    return {
        "decode JPEG": timed(lambda: decode_image(back)),
        "grey copy": timed(lambda: cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)),
        "MRZ": timed(lambda: read_mrz(gray)),
        "barcodes": timed(lambda: read_barcodes(gray, card=True)),
        # As the service runs them: together, sharing work (the text boxes), none skipped.
        "reduced copies": timed(lambda: evidence.views(image, gray)),
        # As the service makes a card side's copies: grey, working and colour, at once.
        "card side's copies": timed(lambda: evidence.views(image, colour=True)),
        "evidence checks": timed(lambda: evidence.flags(seen, legible=False)),
        "  of which grayscale": timed(lambda: evidence.looks_grayscale(image)),
        "  of which blurry": timed(lambda: evidence.is_blurry(image)),
        "  of which text rows": timed(lambda: text_boxes(seen.work)),
        "  of which screen": timed(lambda: evidence.looks_screen(image)),
        "perceptual hash": timed(lambda: phash.perceptual_hash(seen.work)),
    }


def selfie_steps(selfie: bytes) -> dict[str, float]:
    # As the service decodes it: grey, at about its working copy's size.
    decoded = decode_picture(selfie, card=False)
    assert decoded is not None
    image = decoded.image
    seen = evidence.views(image)
    return {
        "selfie: decode": timed(lambda: decode_picture(selfie, card=False)),
        "selfie: copies": timed(lambda: evidence.views(image)),
        "selfie: face search": timed(lambda: faces.has_face(seen.work)),
    }


def cpu_seconds(supports: list[dict[str, bytes]]) -> tuple[float, int]:
    """The CPU seconds of one pass, and its minor page faults (memory the C allocator took
    from the kernel afresh)."""
    started, faults = time.process_time(), resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    for images in supports:
        analyse_support(images)
    faults = resource.getrusage(resource.RUSAGE_SELF).ru_minflt - faults
    return time.process_time() - started, faults


def as_a_worker() -> bool:
    """Run as the service's worker processes run (`pool.py`): one thread for the numeric
    libraries (read when numpy is first imported: run again, if need be, with them set), and
    glibc's malloc keeping large blocks with the workers' values (`ANALYSIS`, set here in the
    running process); whether the C library took that setting."""
    threads = dict.fromkeys(ONE_THREAD, "1")
    if any(os.environ.get(name) != value for name, value in threads.items()):
        os.environ.update(threads)
        os.execv(sys.executable, [sys.executable, *sys.argv])  # noqa: S606 - this same script
    return keep_large_blocks(ANALYSIS)


def main() -> None:
    kept = as_a_worker()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--supports", type=int, default=40)
    parser.add_argument("--rounds", type=int, default=1, help="passes; the quickest counts")
    parser.add_argument("--full-size", action="store_true", help="12-megapixel card photos")
    parser.add_argument("--selfie", action="store_true", help="add a selfie with no face")
    args = parser.parse_args()
    cv2.setNumThreads(1)
    supports = make_supports(args.supports, args.full_size, args.selfie)
    analyse_support(supports[0])  # warm-up: the MRZ classifier, the face cascade
    seconds, faults = min(cpu_seconds(supports) for _ in range(args.rounds))
    rate = len(supports) / seconds
    sides = "4000 × 3000" if args.full_size else "1280 × 960"
    print(
        f"identity analysis, one thread, {len(supports)} supports (front, back {sides}, "
        f"signature{', faceless selfie' if args.selfie else ''}), "
        f"the quickest of {args.rounds} passes; large blocks kept as the workers keep them: "
        f"{'yes' if kept else 'no (not glibc)'}"
    )
    print(
        f"load average {os.getloadavg()[0]:.2f}; {1000 / rate:.1f} CPU ms per support, "
        f"{rate:.1f} supports/s per core "
        f"(target {TARGET:.0f}: {'PASS' if rate >= TARGET else 'FAIL'}); "
        f"{faults / len(supports):.1f} minor page faults per support"
    )
    per_step: dict[str, list[float]] = {}
    for images in supports:
        timings = steps(images["credential_back"])
        if "selfie" in images:
            timings |= selfie_steps(images["selfie"])
        for name, ms in timings.items():
            per_step.setdefault(name, []).append(ms)
    print("median CPU ms per card back (and selfie), by step ('of which': with their copies):")
    for name, values in per_step.items():
        print(f"  {name:18} {float(np.median(values)):7.1f}")


if __name__ == "__main__":
    main()
