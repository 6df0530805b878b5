"""Barcode benchmark: zxing-cpp, pyzbar, pyzbar with OpenCV help and our `read_barcodes`.

A benchmark, not a test. On held-out synthetic phone photos of card backs of models G and H
(two dense QR codes and INE's small URL QR code each) it prints, per degradation level, the QR
codes decoded out of those present and the median milliseconds per image of:

- anchor: zxing-cpp on the full photo, restricted to QR codes (its other options at defaults);
- pyzbar: plain pyzbar on the full photo (grey), every symbology;
- pyzbar+cv: pyzbar on the candidate code regions OpenCV finds (morphological gradient at
  640 px, closing, contours), each crop upscaled when small and retried Otsu-binarised;
- ours: `apoyo_identity.vision.barcodes.read_barcodes`, which reads QR and 1D codes;
- ours, card: the same as the identity service calls it on a card side (`card=True`: the
  passes stop once a back's three codes are read).

The target for ours: at least the anchor's QR codes, in at most 1.5 times its time. A second,
smaller table checks 1D codes (Code128, Code39, EAN-13, ITF on a sheet of paper, upright and
turned 90 degrees) against zxing-cpp on every 1D format.

    .venv/bin/python benchmarks/barcodes.py [--images 40] [--levels 0,1,2,3] [--repeats 3]

One thread; times cover reading an already decoded BGR image (not the JPEG decoding, which is
the same for all), the fastest of `--repeats` runs per image with the readers interleaved so
load from other processes falls on all of them alike, after a warm-up. Wrong: decoded texts
that are not on the image.
"""

import os

# One thread for every numeric library, set before numpy and OpenCV are imported.
os.environ["OMP_NUM_THREADS"] = "1"
os.environ["OPENBLAS_NUM_THREADS"] = "1"
os.environ["MKL_NUM_THREADS"] = "1"

import argparse
import platform
import random
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from importlib.metadata import version
from pathlib import Path

import cv2
import numpy as np
import zxingcpp
from numpy.typing import NDArray
from pyzbar import pyzbar

from apoyo.synthetic.photo_ops import to_jpeg
from apoyo.synthetic.photos import LEVELS, labelled_backs, shoot
from apoyo_identity.vision.barcodes import read_barcodes

Image = NDArray[np.uint8]
Reader = Callable[[Image], set[str]]

SEED_BASE = 9100  # held out: the reader's development and the tests use other seeds
LINEAR_SEED = 9200
TARGET_RATIO = 1.5
WARM_UP = 3
CROP_SIDE = 640  # the region finder works at this size
QR_ONLY = zxingcpp.BarcodeFormats([zxingcpp.BarcodeFormat.QRCode])
ALL_LINEAR = zxingcpp.BarcodeFormats([zxingcpp.BarcodeFormat.AllLinear])


def anchor(image: Image) -> set[str]:
    return {code.text for code in zxingcpp.read_barcodes(image, formats=QR_ONLY)}


def zxing_linear(image: Image) -> set[str]:
    return {code.text for code in zxingcpp.read_barcodes(image, formats=ALL_LINEAR)}


def _gray(image: Image) -> Image:
    return np.asarray(cv2.cvtColor(image, cv2.COLOR_BGR2GRAY), np.uint8)


def _zbar(gray: Image) -> set[str]:
    return {symbol.data.decode("utf-8", "replace") for symbol in pyzbar.decode(gray)}


def plain_pyzbar(image: Image) -> set[str]:
    return _zbar(_gray(image))


def regions(gray: Image, limit: int = 8) -> list[tuple[int, int, int, int]]:
    """Boxes (x0, y0, x1, y1) of dense edge texture, largest first: where codes may be."""
    scale = min(1.0, CROP_SIDE / max(gray.shape))
    small = cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    edges = cv2.morphologyEx(small, cv2.MORPH_GRADIENT, np.ones((3, 3), np.uint8))
    _, mask = cv2.threshold(edges, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    mask = cv2.morphologyEx(mask, cv2.MORPH_CLOSE, np.ones((5, 5), np.uint8))
    mask = cv2.morphologyEx(mask, cv2.MORPH_OPEN, np.ones((7, 7), np.uint8))
    contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    boxes = []
    for contour in contours:
        x, y, w, h = cv2.boundingRect(contour)
        if min(w, h) >= 10 and cv2.contourArea(contour) >= 0.4 * w * h:
            boxes.append((w * h, x, y, w, h))
    height, width = gray.shape
    out = []
    for _, x, y, w, h in sorted(boxes, reverse=True)[:limit]:
        pad = int(0.1 * max(w, h)) + 3
        out.append(
            (
                max(0, int((x - pad) / scale)),
                max(0, int((y - pad) / scale)),
                min(width, int((x + w + pad) / scale)),
                min(height, int((y + h + pad) / scale)),
            )
        )
    return out


def pyzbar_with_opencv(image: Image) -> set[str]:
    gray = _gray(image)
    found: set[str] = set()
    for x0, y0, x1, y1 in regions(gray):
        crop = gray[y0:y1, x0:x1]
        if min(crop.shape) < 150:
            crop = np.asarray(cv2.resize(crop, None, fx=2, fy=2, interpolation=cv2.INTER_CUBIC))
        texts = _zbar(crop)
        if not texts:
            _, binary = cv2.threshold(crop, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
            texts = _zbar(np.asarray(binary, np.uint8))
        found |= texts
    return found


def ours(image: Image) -> set[str]:
    return {code.text for code in read_barcodes(image)}


def ours_on_a_card(image: Image) -> set[str]:
    return {code.text for code in read_barcodes(image, card=True)}


@dataclass
class Tally:
    decoded: int = 0
    wrong: int = 0
    ms: list[float] = field(default_factory=list)
    right: list[set[str]] = field(default_factory=list)  # per image, the true texts read

    @property
    def median(self) -> float:
        return float(np.median(self.ms)) if self.ms else float("nan")


def measure(
    readers: Mapping[str, Reader], cases: Sequence[tuple[Image, set[str]]], repeats: int
) -> dict[str, Tally]:
    """Each reader on each image, interleaved; the fastest of `repeats` runs counts."""
    for image, _ in cases[:WARM_UP]:
        for read in readers.values():
            read(image)
    tallies = {name: Tally() for name in readers}
    for image, truth in cases:
        best = dict.fromkeys(readers, float("inf"))
        found: dict[str, set[str]] = {}
        for _ in range(repeats):
            for name, read in readers.items():
                start = time.perf_counter()
                found[name] = read(image)
                best[name] = min(best[name], (time.perf_counter() - start) * 1000)
        for name, tally in tallies.items():
            tally.decoded += len(found[name] & truth)
            tally.wrong += len(found[name] - truth)
            tally.ms.append(best[name])
            tally.right.append(found[name] & truth)
    return tallies


def _decode(jpeg: bytes) -> Image:
    return np.asarray(cv2.imdecode(np.frombuffer(jpeg, np.uint8), cv2.IMREAD_COLOR), np.uint8)


def card_backs(level: int, count: int) -> list[tuple[Image, set[str]]]:
    """`count` photos of backs of models G and H (the ones with QR codes) at `level`."""
    cases: list[tuple[Image, set[str]]] = []
    batch = 0
    while len(cases) < count:
        for item in labelled_backs(2 * count, level, SEED_BASE + 10 * level + batch):
            if item.qr_texts and len(cases) < count:
                cases.append((_decode(item.image), set(item.qr_texts)))
        batch += 1
    return cases


_LINEAR_FORMATS = (
    zxingcpp.BarcodeFormat.Code128,
    zxingcpp.BarcodeFormat.Code39,
    zxingcpp.BarcodeFormat.EAN13,
    zxingcpp.BarcodeFormat.ITF,
)


def linear_sheets(level: int, count: int) -> list[tuple[Image, set[str]]]:
    """Photos of a sheet of paper with one 1D code; every other one turned 90 degrees."""
    r = random.Random(LINEAR_SEED + level)  # noqa: S311 - synthetic pictures
    cases = []
    for i in range(count):
        kind = _LINEAR_FORMATS[i % len(_LINEAR_FORMATS)]
        digits = kind in (zxingcpp.BarcodeFormat.EAN13, zxingcpp.BarcodeFormat.ITF)
        content = f"{r.randrange(10**12):012d}" if digits else f"SUP-{r.randrange(10**8):08d}"
        code = zxingcpp.create_barcode(content, kind)
        bars = np.asarray(code.to_image(scale=r.choice((2, 3))), np.uint8)
        size = (min(bars.shape[1], 900), 120)
        bars = np.asarray(cv2.resize(bars, size, interpolation=cv2.INTER_NEAREST), np.uint8)
        sheet = np.full((640, 1012, 3), 250, np.uint8)
        sheet[400:520, 60 : 60 + bars.shape[1]] = bars[:, :, None]
        photo = _decode(to_jpeg(shoot(sheet, LEVELS[level], r.randrange(1 << 32)), 85))
        if i % 2:
            photo = np.asarray(cv2.rotate(photo, cv2.ROTATE_90_CLOCKWISE), np.uint8)
        cases.append((photo, {code.text}))
    return cases


def machine() -> list[str]:
    cpuinfo = Path("/proc/cpuinfo")
    models = [
        line.split(":", 1)[1].strip()
        for line in (cpuinfo.read_text().splitlines() if cpuinfo.exists() else [])
        if line.startswith("model name")
    ]
    return [
        f"machine: {os.cpu_count()} cores, {models[0] if models else platform.machine()}, "
        f"load average {os.getloadavg()[0]:.2f} at the start; one thread per reader",
        f"versions: python {platform.python_version()}, zxing-cpp {version('zxing-cpp')}, "
        f"pyzbar {version('pyzbar')}, opencv {cv2.__version__}",
    ]


def _cell(tally: Tally, anchor_ms: float) -> str:
    return f"{tally.decoded:>6} {tally.median:7.1f} ×{tally.median / anchor_ms:5.2f}"


def qr_table(results: dict[int, tuple[int, dict[str, Tally]]]) -> list[str]:
    names = ("anchor", "pyzbar", "pyzbar+cv", "ours", "ours, card")
    head = "level  present | " + " | ".join(f"{n:>21}" for n in names)
    sub = "               | " + " | ".join(f"{'QR':>6} {'ms':>7} {'ratio':>6}" for _ in names)
    lines = [head, sub, "-" * len(head)]
    for level, (present, tallies) in results.items():
        base = tallies["anchor"].median
        cells = " | ".join(_cell(tallies[n], base) for n in names)
        ours_ok = (
            tallies["ours"].decoded >= tallies["anchor"].decoded
            and tallies["ours"].median <= TARGET_RATIO * base
        )
        wrong = {n: tallies[n].wrong for n in names if tallies[n].wrong}
        note = f"  wrong: {wrong}" if wrong else ""
        lines.append(f"{level:>5}  {present:>7} | {cells}  {'PASS' if ours_ok else 'FAIL'}{note}")
    return lines


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--images", type=int, default=40, help="card backs per level")
    parser.add_argument("--levels", default="0,1,2,3")
    parser.add_argument("--repeats", type=int, default=3, help="runs per image; fastest counts")
    parser.add_argument("--linear-images", type=int, default=20, help="1D sheets per level")
    args = parser.parse_args(argv)
    levels = [int(level) for level in args.levels.split(",")]
    cv2.setNumThreads(1)
    print(*machine(), sep="\n")

    readers: dict[str, Reader] = {
        "anchor": anchor,
        "pyzbar": plain_pyzbar,
        "pyzbar+cv": pyzbar_with_opencv,
        "ours": ours,
        "ours, card": ours_on_a_card,
    }
    results = {}
    for level in levels:
        cases = card_backs(level, args.images)
        present = sum(len(truth) for _, truth in cases)
        results[level] = (present, measure(readers, cases, args.repeats))
    print(f"\nQR codes on card backs (models G/H), {args.images} photos per level;")
    print("per reader: QR codes decoded, median ms per image, time over the anchor's")
    print("(PASS: ours decodes at least the anchor's QR codes in at most 1.5 times its time)")
    print(*qr_table(results), sep="\n")
    added = {
        level: sum(
            len((zbar | zbar_cv) - mine)
            for zbar, zbar_cv, mine in zip(
                tallies["pyzbar"].right,
                tallies["pyzbar+cv"].right,
                tallies["ours"].right,
                strict=True,
            )
        )
        for level, (_, tallies) in results.items()
    }
    print(f"QR codes pyzbar or pyzbar+cv read and ours does not, per level: {added}")

    if args.linear_images:
        print(f"\n1D codes on paper, {args.linear_images} photos per level (half turned 90°):")
        print("level  codes | zxing-cpp (every 1D format): read    ms | ours: read    ms  ratio")
        linear = {"zxing": zxing_linear, "ours": ours}
        for level in levels:
            tallies = measure(linear, linear_sheets(level, args.linear_images), args.repeats)
            z, o = tallies["zxing"], tallies["ours"]
            print(
                f"{level:>5}  {args.linear_images:>5} | {z.decoded:>34} {z.median:5.1f} |"
                f" {o.decoded:>10} {o.median:5.1f}  ×{o.median / z.median:4.2f}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
