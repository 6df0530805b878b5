"""Why level-3 development photos do not read: a measuring script, not a test.

Each photo of `labelled_backs(20, level, seed)` is shot again step by step, as
`apoyo.synthetic.photos.shoot` does with the same random draws, so the script knows where
every MRZ cell truly is in the photo and can take the glare and the cast shadow out while
keeping every other draw (desk, rotation, perspective, light, blur, noise, JPEG). Per photo:

- `reader`: `read_mrz` on the photo, as the benchmarks run it;
- `truth grid`: the reader's classifier and choice (`_decoded`) on cells cut where the
  generator drew them (perfect locating and grid);
- `no glare/shadow`: the same on the photo shot without glare and cast shadow;
- the weakest cell: the lowest ink contrast (paper less ink, grey levels) of any MRZ cell in
  the photo before sensor noise and JPEG, against that cell's contrast without glare and
  shadow, and the share of its ink clipped to white by the glare.

A photo the reader misses is put in the first class that explains it: no MRZ character
left (a cell with under DESTROYED grey levels of contrast before noise of sigma ~10, or
mostly clipped), locate/grid (the truth grid reads), damage the classifier does not
survive (only the photo without glare/shadow reads), or the classifier and choice on
undamaged cells (neither reads). Refusals on the truth grid are broken down by the step of
`_decoded` that refuses, and by whether the text the check digits chose was the truth.

Each miss is also put at the first stage of the reader's path that loses it (`stage`), and
counted against the generator's draws for the photo (`DEGRADATIONS`): exact reads by
quartile of each.

    .venv/bin/python benchmarks/mrz_failures.py [--level 3] [--seeds 1002-1033] [--photos]
"""

import os

os.environ["OMP_NUM_THREADS"] = "1"
os.environ["OPENBLAS_NUM_THREADS"] = "1"

import argparse
import random
import sys
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import cv2
import numpy as np
from mrz_photo_cells import card_cells, true_grid
from numpy.typing import NDArray

from apoyo.synthetic.card_style import WIDTH
from apoyo.synthetic.credential import random_spec, render_back
from apoyo.synthetic.mrz import mrz_lines
from apoyo.synthetic.people import make_citizens
from apoyo.synthetic.photo_ops import (
    card_quad,
    cast_shadow,
    desk,
    glare,
    light_gradient,
    lighten,
    place,
    sensor,
    to_jpeg,
)
from apoyo.synthetic.photos import LEVELS, Shot, _generators
from apoyo_identity.mrz_decode import decode
from apoyo_identity.rules.mrz import CHARSET
from apoyo_identity.vision import grid, mrz_reader
from apoyo_identity.vision.cells import ROW_STEP, cut, rectify
from apoyo_identity.vision.classifier import scores
from apoyo_identity.vision.columns import numbered
from apoyo_identity.vision.glyphs import PITCH, box_height
from apoyo_identity.vision.locate import ROW_CHARS
from apoyo_identity.vision.mrz_reader import read_mrz, working_gray

PER_SEED = 20
DESTROYED = 12.0  # grey levels of ink contrast left before noise (sensor sigma about 10)
CLIPPED = 0.5  # share of a cell's ink pixels clipped to white by the glare


@dataclass(frozen=True)
class Shots:
    photo: NDArray[np.uint8]  # grey, as the reader sees it (after JPEG)
    clean: NDArray[np.uint8]  # the same shot without glare and cast shadow
    lit: NDArray[np.uint8]  # grey before blur and noise, with glare and shadow
    unlit: NDArray[np.uint8]  # grey before blur and noise, without them
    shaded: NDArray[np.uint8]  # grey before blur and noise, with the shadow, without glare
    to_photo: NDArray[np.float64]  # 3x3, card pixels to photo pixels
    char_px: float  # the MRZ character height drawn, photo px (30 px x the scale drawn)
    angle: float  # the rotation drawn, degrees
    keystone: float  # perspective: how far opposite card sides differ in length (fraction)


def _grey(rgb: NDArray[np.uint8]) -> NDArray[np.uint8]:
    return np.asarray(cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY), np.uint8)


def _jpeg_grey(rgb: NDArray[np.uint8], quality: int) -> NDArray[np.uint8]:
    """The JPEG decoded as the benchmarks do (in colour), in the reader's grey."""
    data = np.frombuffer(to_jpeg(rgb, quality), np.uint8)
    return working_gray(np.asarray(cv2.imdecode(data, cv2.IMREAD_COLOR), np.uint8))


def shots(card: NDArray[np.uint8], shot: Shot, seed: int) -> Shots:
    """`photos.shoot`'s draws, in its order, with the glare and shadow also left out."""
    r, rng = _generators(seed)
    height, width = card.shape[:2]
    scale = r.uniform(*shot.scale) * WIDTH / width
    assert shot.canvas is not None
    background = desk(r, rng, shot.canvas)
    angle = r.uniform(-shot.angle, shot.angle)
    quad = card_quad(r, shot.canvas, (width, height), scale, angle, shot.perspective)
    placed = place(background, card, quad, shadow=0.35)
    gain = light_gradient(shot.canvas, r, shot.gradient)
    unlit = lighten(placed, gain)
    lit = lighten(placed, gain * cast_shadow(shot.canvas, r)) if shot.shadow else unlit
    shaded = lit
    if shot.glare:
        lit = glare(lit, r, quad)
    state = rng.bit_generator.state
    photo = sensor(lit, rng, shot.blur, shot.noise)
    rng.bit_generator.state = state  # the same grain on both
    clean = sensor(unlit, rng, shot.blur, shot.noise)
    source = np.array([(0, 0), (width, 0), (width, height), (0, height)], np.float32)
    to_photo = cv2.getPerspectiveTransform(source, quad).astype(np.float64)
    return Shots(
        _jpeg_grey(photo, shot.quality),
        _jpeg_grey(clean, shot.quality),
        _grey(lit),
        _grey(unlit),
        _grey(shaded),
        to_photo,
        30.0 * scale * width / WIDTH,
        angle,
        _keystone(quad),
    )


def _keystone(quad: NDArray[np.float32]) -> float:
    """How far the card's opposite sides differ in length in the photo (0: no perspective)."""
    sides = [float(np.linalg.norm(quad[(k + 1) % 4] - quad[k])) for k in range(4)]
    return max(abs(sides[0] / sides[2] - 1), abs(sides[1] / sides[3] - 1))


def truth_cells(
    grey: NDArray[np.uint8], to_photo: NDArray[np.float64]
) -> tuple[NDArray[np.float32], NDArray[np.float32]]:
    """The 90 cells cut, with the reader's cutter, where the generator drew them, and their
    contrast as photographed (`cells.cut`)."""
    matrix, row_step, canonical = true_grid(to_photo)
    return cut(rectify(grey, matrix, row_step), canonical)


def refusal(cut_cells: tuple[NDArray[np.float32], NDArray[np.float32]], truth: str) -> str:
    """`mrz_reader._decoded`'s verdict: the step that refuses, or whether the read is right.
    A refusal after the check digits held says whether the text they chose was the truth."""
    read, step = mrz_reader.judged(*cut_cells)
    if read is not None:
        return "exact" if "".join(read.lines) == truth else "WRONG"
    chosen = decode(scores(cut_cells[0], slack=0), 0.0)
    if chosen is None:
        return step
    return f"{step} ({'right' if ''.join(chosen.lines) == truth else 'wrong'} text)"


@dataclass(frozen=True)
class Light:
    worst: float  # the weakest MRZ cell's ink contrast, grey levels before noise
    worst_unlit: float  # that cell's contrast without glare and shadow
    clipped: float  # the largest share of a cell's ink clipped to white by the glare
    glare: float  # the most grey levels the glare adds to any MRZ cell (before clipping)
    shadow: float  # the darkest MRZ cell's paper under the cast shadow, against without it


def light(shots: Shots) -> Light:
    """What the glare and the shadow did to the MRZ's cells, before blur and noise."""
    centres, per_canonical = card_cells()
    points = cv2.perspectiveTransform(centres.reshape(1, -1, 2), shots.to_photo)[0]
    scale = float(np.linalg.norm(shots.to_photo[:2, 0])) * per_canonical
    half_w, half_h = PITCH * scale / 2, box_height() * scale / 2
    worst, worst_unlit, clipped, added, shadow = 1e9, 0.0, 0.0, 0.0, 1.0
    for x, y in points:
        x0, x1 = int(x - half_w), int(x + half_w) + 1
        y0, y1 = int(y - half_h), int(y + half_h) + 1
        lit = shots.lit[y0:y1, x0:x1].astype(np.float64)
        unlit = shots.unlit[y0:y1, x0:x1].astype(np.float64)
        shaded = shots.shaded[y0:y1, x0:x1].astype(np.float64)
        paper = float(np.percentile(unlit, 95))
        added = max(added, float(np.percentile(lit - shaded, 95)))
        shadow = min(shadow, float(np.percentile(shaded, 95)) / max(paper, 1.0))
        ink = unlit < np.percentile(unlit, 25)  # the glyph's darkest pixels, unglared
        if not ink.any():
            continue
        spread = float(np.percentile(lit, 95) - lit[ink].mean())
        if spread < worst:
            worst = spread
            worst_unlit = float(paper - unlit[ink].mean())
        clipped = max(clipped, float((lit[ink] >= 254).mean()))
    return Light(worst, worst_unlit, clipped, added, shadow)


Offsets = NDArray[np.float64] | None


def grid_error(grey: NDArray[np.uint8], to_photo: NDArray[np.float64]) -> tuple[str, Offsets]:
    """What the reader's grid gets wrong, against the cells' true places in the photo, and
    (3, 30, 2) how far its cells lie from them in the rectified MRZ (canonical px), when its
    columns are the right ones."""
    rows = mrz_reader.locate_rows(grey)
    if rows is None:
        return "no MRZ found", None
    counted = [numbered(row) for row in rows]
    if any(row is None for row in counted):
        return "rows too short to number (grid by the ends)", None
    matrix, _, centres, _ = grid.placed_grid(grey, rows, tuple(counted), ROW_STEP)  # type: ignore[arg-type]
    found = cv2.perspectiveTransform(centres.reshape(1, -1, 2), np.linalg.inv(matrix))[0]
    card, _ = card_cells()
    truth = cv2.perspectiveTransform(card.reshape(1, -1, 2), to_photo)[0]
    photo_pitch = float(np.linalg.norm(truth[29] - truth[0])) / 29
    if np.linalg.norm(found[0] - truth[0]) > np.linalg.norm(found[0] - truth[89]):
        return "upside down", None
    error = np.linalg.norm(found - truth, axis=1).reshape(3, ROW_CHARS) / photo_pitch
    lines = [line + 1 for line in range(3) if error[line].max() > 0.5]
    if lines:
        return f"column numbering off (line {','.join(map(str, lines))})", None
    worst = float(error.max())
    offsets = centres - cv2.perspectiveTransform(truth[None], matrix)[0].reshape(3, ROW_CHARS, 2)
    return f"cells off by {0.1 * np.ceil(10 * worst):.1f} pitch at most", offsets


def classify(level: int, seed: int, index: int) -> dict[str, object]:
    person = make_citizens(PER_SEED, seed)[index]
    r = random.Random(f"{seed}-{index}")  # noqa: S311 - as labelled_backs
    spec = random_spec(r)
    card, _ = render_back(person, spec)
    taken = shots(np.asarray(card), LEVELS[level], r.randrange(1 << 32))
    truth = "".join(mrz_lines(person, spec.expiry_year))
    read = read_mrz(taken.photo)
    reader = "refused" if read is None else ("exact" if "".join(read.lines) == truth else "WRONG")
    on_truth = refusal(truth_cells(taken.photo, taken.to_photo), truth)
    unglared = refusal(truth_cells(taken.clean, taken.to_photo), truth)
    cells = truth_cells(taken.photo, taken.to_photo)[0]
    best = scores(cells, slack=0).argmax(axis=1)
    wrong_cells = sum(CHARSET[int(k)] != t for k, t in zip(best, truth, strict=True))
    lighting = light(taken)
    grid_says, offsets = grid_error(taken.photo, taken.to_photo)
    return {
        "photo": f"{seed}/{index}",
        "grid": grid_says,
        "offsets": offsets,
        "reader": reader,
        "truth_grid": on_truth,
        "no_glare": unglared,
        "wrong_cells": wrong_cells,
        "worst": lighting.worst,
        "worst_unlit": lighting.worst_unlit,
        "clipped": lighting.clipped,
        "char px": taken.char_px,
        "|angle|": abs(taken.angle),
        "keystone": taken.keystone,
        "glare": lighting.glare,
        "shadow": lighting.shadow,
    }


def stage(row: dict[str, object]) -> str:
    """The first step of the reader's path that loses the photo: finding the rows, numbering
    them, the columns, the cells' cut (the truth's cells read where the reader's do not), or,
    on the truth's cells, the classifier (characters the check digits or the letters' checks
    refuse, rightly) or a check refusing the right text."""
    if row["reader"] in ("exact", "WRONG"):
        return "read" if row["reader"] == "exact" else "WRONG ACCEPT"
    grid_says, on_truth = str(row["grid"]), str(row["truth_grid"])
    readable = " [truth's cells read]" if on_truth == "exact" else ""
    if grid_says == "no MRZ found":
        return "1 rows not found" + readable
    if grid_says.startswith("rows too short"):
        return "2 a row too short to number" + readable
    if grid_says == "upside down" or grid_says.startswith("column"):
        return "3 columns misplaced: " + grid_says.replace("column numbering off ", "") + readable
    if on_truth == "exact":
        return "4 cells cut off (columns right; the truth's cells read)"
    if on_truth.endswith("(right text)"):
        return "6 right text refused: " + on_truth.removesuffix(" (right text)")
    return "5 classifier wrong, refused: " + on_truth.removesuffix(" (wrong text)")


DEGRADATIONS = ("char px", "|angle|", "keystone", "glare", "clipped", "shadow", "worst")


def cause(row: dict[str, object]) -> str:
    if row["reader"] == "exact":
        return "read"
    if row["reader"] == "WRONG":
        return "WRONG ACCEPT"
    gone = float(row["worst"]) < DESTROYED or float(row["clipped"]) > CLIPPED  # type: ignore[arg-type]
    if row["truth_grid"] == "exact":
        return f"locate/grid: {row['grid']}" + (" (with a destroyed cell)" if gone else "")
    if gone:
        return "destroyed: a cell with no contrast left"
    if row["no_glare"] == "exact":
        return "glare/shadow damage the classifier does not survive"
    return f"classifier/choice on undamaged cells: {row['truth_grid']}"


def _value(row: dict[str, object], name: str) -> float:
    return float(row[name])  # type: ignore[arg-type]


def _degradations(row: dict[str, object]) -> str:
    return ", ".join(f"{name} {_value(row, name):.2f}" for name in DEGRADATIONS)


def by_stage(rows: list[dict[str, object]]) -> None:
    """The misses by the stage that loses them, with the median of each degradation."""
    print("the reader's misses by stage (median " + ", ".join(DEGRADATIONS) + "):")
    stages = Counter(stage(row) for row in rows)
    for name, count in sorted(stages.items()):
        members = [row for row in rows if stage(row) == name]
        medians = " ".join(
            f"{np.median([_value(row, d) for row in members]):.2f}" for d in DEGRADATIONS
        )
        print(f"  {count:4d} {name}  | {medians}")


def _edges(values: NDArray[np.float64]) -> NDArray[np.float64]:
    """Quartiles; where a quarter or more of the photos share the least value (no glare, no
    clipped ink), that value alone, then the rest in thirds."""
    least = values.min()
    if (values == least).mean() < 0.25:
        return np.asarray(np.percentile(values, [0, 25, 50, 75, 100]), np.float64)
    rest = np.percentile(values[values > least], [0, 100 / 3, 200 / 3, 100])
    return np.concatenate([[least], rest])


def by_degradation(rows: list[dict[str, object]]) -> None:
    """Exact reads per quartile of each degradation, and how many of each quartile's misses
    the grid (stages 1-4) and the classifier or checks (5-6) lose."""
    print("exact reads by quartile of each degradation (read/photos, misses grid+cells|checks):")
    for name in DEGRADATIONS:
        values = np.array([_value(row, name) for row in rows])
        edges = _edges(values)
        cells = []
        for k in range(len(edges) - 1):
            inside = (values >= edges[k]) & ((values < edges[k + 1]) | (k == len(edges) - 2))
            members = [row for row, keep in zip(rows, inside, strict=True) if keep]
            read = sum(row["reader"] == "exact" for row in members)
            grid_lost = sum(stage(row)[0] in "1234" for row in members)
            checks = sum(stage(row)[0] in "56" for row in members)
            cells.append(
                f"{edges[k]:.2f}-{edges[k + 1]:.2f}: {read}/{len(members)} ({grid_lost}|{checks})"
            )
        print(f"  {name:>9}  " + "   ".join(cells))


def cells_and_contrast(rows: list[dict[str, object]]) -> None:
    """Per cell: the classifier on the truth's cells, the reader's cells against the truth's,
    and how many photos keep little ink contrast."""
    total = len(rows)
    wrong = np.array([int(row["wrong_cells"]) for row in rows])  # type: ignore[call-overload]
    print(
        f"truth-grid cells wrong (argmax of 37): {wrong.sum()} of {90 * total} "
        f"({100 * wrong.sum() / (90 * total):.2f}%); photos with none {int((wrong == 0).sum())}"
    )
    for name, read in (("read", True), ("missed", False)):
        found = [row["offsets"] for row in rows if (row["reader"] == "exact") == read]
        offsets = np.array([o for o in found if o is not None])
        print(f"the reader's cells less the truth's, canonical px, photos {name} ({len(offsets)}):")
        for line in range(3):
            dx, dy = offsets[:, line, :, 0], offsets[:, line, :, 1]
            print(
                f"  line {line + 1}: x {dx.mean():+.2f} (sd {dx.std():.2f}), "
                f"y {dy.mean():+.2f} (sd {dy.std():.2f}), "
                f"worst cell median {np.median(np.hypot(dx, dy).max(axis=1)):.2f}"
            )
    for limit in (6.0, 12.0, 20.0, 30.0):
        weak = sum(float(row["worst"]) < limit for row in rows)  # type: ignore[arg-type]
        print(f"photos whose weakest cell keeps < {limit:.0f} grey levels: {weak}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--level", type=int, default=3)
    parser.add_argument("--seeds", default="1002-1033")
    parser.add_argument("--photos", action="store_true", help="list each missed photo")
    args = parser.parse_args(argv)
    cv2.setNumThreads(1)
    first, last = (int(part) for part in args.seeds.split("-"))
    rows = [
        classify(args.level, seed, i) for seed in range(first, last + 1) for i in range(PER_SEED)
    ]
    total = len(rows)
    print(f"level {args.level}, seeds {args.seeds}: {total} photos")
    for title, key in (
        ("reader", "reader"),
        ("truth grid", "truth_grid"),
        ("no glare", "no_glare"),
    ):
        counts = Counter(str(row[key]) for row in rows)
        print(f"{title}: " + ", ".join(f"{k} {v}" for k, v in counts.most_common()))
    print("causes of the reader's misses:")
    for name, count in Counter(cause(row) for row in rows).most_common():
        print(f"  {count:4d} ({100 * count / total:5.1f}%) {name}")
    by_stage(rows)
    by_degradation(rows)
    if args.photos:
        for row in rows:
            if row["reader"] != "exact":
                print(f"  {row['photo']:>9} {stage(row)}; " + _degradations(row))
    cells_and_contrast(rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
