"""The checking networks learnt also from cells cut out of generator photos: a measuring
script, not a test, and the cells' true places for `mrz_failures.py`.

The random blocks of `training_cells` carry generic degradations; the generator's level-3
photos carry what they may lack: a card printed, placed in perspective and turned up to 25
degrees, lit unevenly, with glare and a cast shadow, blurred, grained, saved as a colour
JPEG. Each photo is shot again with its own random draws (`photos.shoot_placed`), so where
each MRZ cell lies is known; the cells are cut there, levelled, with the reader's own cutter
(`cells.cut`), moved a little as the reader's grid misses. Only seeds of the reserved
training range (30000-39999) are learnt from. The script learns the two networks as
`checker.networks` does, each also from the photos of its own `--photo-seeds` (ten by
default), and reads a range of development photos with the networks of today and with these.

The service cannot learn so itself: the generator is the workspace's `apoyo.synthetic`,
which the identity package does not (and must not) depend on (docs/identity.md). So the
reader's networks (the two of `checker.networks` and the third, `checker.photo_network`,
asked where the two alone refuse a read) are learnt here, with `--write`, and shipped with
the package: each from its own 800 random blocks and the cells of the 4,000 photos of
SHIPPED_PHOTOS (levels 3 and 2), about 60 CPU s of learning a network and 220 of drawing
and cutting the photos; the same code and seeds write the same weights.

    .venv/bin/python benchmarks/mrz_photo_cells.py [--seeds 22000-22031] [--photo-seeds 10]
    .venv/bin/python benchmarks/mrz_photo_cells.py --write
"""

import os

os.environ["OMP_NUM_THREADS"] = "1"
os.environ["OPENBLAS_NUM_THREADS"] = "1"

import argparse
import random
import sys
import time
from collections.abc import Sequence
from functools import lru_cache
from unittest.mock import patch

import cv2
import numpy as np
from numpy.typing import NDArray
from PIL import ImageFont

from apoyo.synthetic.card_back import _MRZ_CENTRES_MM
from apoyo.synthetic.card_style import HEIGHT, WIDTH, mm, ocrb_font
from apoyo.synthetic.credential import random_spec, render_back
from apoyo.synthetic.mrz import mrz_lines
from apoyo.synthetic.people import make_citizens
from apoyo.synthetic.photo_ops import to_jpeg
from apoyo.synthetic.photos import LEVELS, labelled_backs, shoot_placed
from apoyo_identity.rules.mrz import CHARSET
from apoyo_identity.vision import checker, mrz_reader
from apoyo_identity.vision.cells import MARGIN, cut, rectify
from apoyo_identity.vision.glyphs import PITCH, centre_fraction, font_path, geometry
from apoyo_identity.vision.locate import ROW_CHARS
from apoyo_identity.vision.training_cells import training_set as block_set

PHOTOS_PER_SEED = 20  # as the generator's `labelled_backs`
LEVEL = 3  # level-2 photos added beside them read fewer (docs/identity.md)
FIRST_SEED = 30000  # the reserved training range
GRID_SLIP = 0.5  # canonical px: the whole grid moved by up to this each way
CELL_SLIP = 0.25  # canonical px: each cell moved by up to this more


@lru_cache(maxsize=1)
def card_cells() -> tuple[NDArray[np.float64], float]:
    """(3, 30, 2) where the reader's cell centres (the box's ink-centre point) lie on the flat
    card, and the card's pixels per canonical pixel."""
    font = ocrb_font()
    advance = font.getlength("<")
    left = (WIDTH - font.getlength("<" * ROW_CHARS)) / 2
    cap_half = font.getbbox("I", anchor="ls")[1] / -2
    render_advance, ink_top, ink_bottom = geometry()
    per_render = advance / render_advance
    ascent_render = ImageFont.truetype(str(font_path()), 200).getmetrics()[0]
    centres = np.zeros((3, ROW_CHARS, 2))
    for row, centre_mm in enumerate(_MRZ_CENTRES_MM):
        baseline = HEIGHT - mm(centre_mm) + cap_half
        box_top = baseline + (ink_top - ascent_render) * per_render
        box = (ink_bottom - ink_top) * per_render
        centres[row, :, 0] = left + (np.arange(ROW_CHARS) + 0.5) * advance
        centres[row, :, 1] = box_top + centre_fraction() * box
    return centres, advance / PITCH


def true_grid(
    to_photo: NDArray[np.float64],
) -> tuple[NDArray[np.float64], float, NDArray[np.float64]]:
    """For a photo whose card pixels go to photo pixels by `to_photo`: the map from the photo
    to the rectified MRZ, its row step, and the (3, 30, 2) cell centres there."""
    centres, per_canonical = card_cells()
    row_step = float((centres[1, 0, 1] - centres[0, 0, 1]) / per_canonical)
    canonical = np.zeros((3, ROW_CHARS, 2))
    canonical[:, :, 0] = MARGIN + (np.arange(ROW_CHARS) + 0.5) * PITCH
    canonical[:, :, 1] = MARGIN + np.arange(3)[:, None] * row_step
    in_photo = cv2.perspectiveTransform(centres.reshape(1, -1, 2), to_photo)[0]
    matrix = np.asarray(cv2.findHomography(in_photo, canonical.reshape(-1, 2))[0], np.float64)
    return matrix, row_step, canonical


def _photographed(seed: int, level: int = LEVEL) -> tuple[list[NDArray[np.float32]], str]:
    """The levelled cells of each of the seed's photos at `level`, cut a little off, and
    their truth."""
    slips = np.random.default_rng(seed)
    found, truth = [], ""
    for index, person in enumerate(make_citizens(PHOTOS_PER_SEED, seed)):
        r = random.Random(f"{seed}-{index}")  # noqa: S311 - as the generator's labelled_backs
        spec = random_spec(r)
        card = np.asarray(render_back(person, spec)[0])
        photo, quad = shoot_placed(card, LEVELS[level], r.randrange(1 << 32))
        jpeg = np.frombuffer(to_jpeg(photo, LEVELS[level].quality), np.uint8)
        decoded = np.asarray(cv2.imdecode(jpeg, cv2.IMREAD_COLOR), np.uint8)
        grey = cv2.cvtColor(decoded, cv2.COLOR_BGR2GRAY)  # as the reader's `working_gray`
        height, width = card.shape[:2]
        corners = np.array([(0, 0), (width, 0), (width, height), (0, height)], np.float32)
        to_photo = cv2.getPerspectiveTransform(corners, quad).astype(np.float64)
        matrix, row_step, canonical = true_grid(to_photo)
        where = canonical + slips.uniform(-GRID_SLIP, GRID_SLIP, 2)
        where += slips.uniform(-CELL_SLIP, CELL_SLIP, canonical.shape)
        found.append(cut(rectify(np.asarray(grey, np.uint8), matrix, row_step), where)[0])
        truth += "".join(mrz_lines(person, spec.expiry_year))
    return found, truth


def training_set(seeds: range, level: int = LEVEL) -> tuple[NDArray[np.float32], NDArray[np.int64]]:
    """Cells of the photos of `seeds` at `level` and their symbol indices in CHARSET; the
    same seeds, the same set."""
    cells: list[NDArray[np.float32]] = []
    labels: list[int] = []
    for seed in seeds:
        found, truth = _photographed(seed, level)
        cells.extend(found)
        labels.extend(CHARSET.index(c) for c in truth)
    return np.concatenate(cells), np.array(labels, dtype=np.int64)


def networks(photo_seeds: int) -> tuple[checker.Network, ...]:
    """`checker.networks` learnt again, each network also from its own photos."""
    learnt = []
    for k in range(checker.CHECKERS):
        blocks, symbols = block_set(checker.CHECK_BLOCKS, checker.CHECK_SEED + k)
        first = FIRST_SEED + k * photo_seeds
        photos, truth = training_set(range(first, first + photo_seeds))
        cells = np.concatenate([blocks, photos])
        learnt.append(checker.fit(cells, np.concatenate([symbols, truth]), seed=k))
    return tuple(learnt)


# The shipped networks' photos (2026-12-01): 2,000 level-3 and 2,000 level-2 photos of the
# reserved training range, none of which earlier experiments learnt from (30000-30039,
# 30100-30119). Every network learns from all of them, beside its own random blocks.
SHIPPED_PHOTOS = {3: range(31000, 31100), 2: range(31100, 31200)}


def shipped_network(
    k: int, photos: tuple[NDArray[np.float32], NDArray[np.int64]]
) -> checker.Network:
    """Network k of those the reader loads (0 and 1: `checker.networks`; CHECKERS:
    `checker.photo_network`): learnt from its own random blocks (CHECK_SEED + k) and the
    cells of SHIPPED_PHOTOS (`photos`), with seed k."""
    blocks, symbols = block_set(checker.CHECK_BLOCKS, checker.CHECK_SEED + k)
    cells, labels = np.concatenate([blocks, photos[0]]), np.concatenate([symbols, photos[1]])
    return checker.fit(cells, labels, seed=k)


def write() -> None:
    """Learn the three shipped networks and write them beside `checker`."""
    sets = [training_set(seeds, level) for level, seeds in SHIPPED_PHOTOS.items()]
    photos = (np.concatenate([s[0] for s in sets]), np.concatenate([s[1] for s in sets]))
    learnt = {}
    for k in range(checker.CHECKERS):
        net = shipped_network(k, photos)
        learnt.update({f"{name}{k}": value for name, value in net.__dict__.items()})
    np.savez(checker.NETWORKS, **learnt)
    np.savez(checker.PHOTO_NETWORK, **shipped_network(checker.CHECKERS, photos).__dict__)


def read(seeds: range) -> str:
    """Exact and wrong reads of level-3 development photos, with the wrong characters."""
    exact = wrong = 0
    slips = []
    for item in (item for seed in seeds for item in labelled_backs(PHOTOS_PER_SEED, 3, seed)):
        image = cv2.imdecode(np.frombuffer(item.image, np.uint8), cv2.IMREAD_COLOR)
        found = mrz_reader.read_mrz(np.asarray(image, np.uint8))
        got, truth = "".join(found.lines) if found else "", "".join(item.mrz)
        exact += got == truth
        if found and got != truth:
            wrong += 1
            slips.append([(p, got[p], truth[p]) for p in range(90) if got[p] != truth[p]])
    return f"exact {exact} of {len(seeds) * PHOTOS_PER_SEED}, wrong {wrong} {slips}"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--seeds", default="22000-22031", help="development photos to read")
    parser.add_argument("--photo-seeds", type=int, default=10, help="training seeds a network")
    parser.add_argument("--write", action="store_true", help="learn and ship the networks")
    args = parser.parse_args(argv)
    cv2.setNumThreads(1)
    if args.write:
        start = time.process_time()
        write()
        print(
            f"{checker.NETWORKS}, {checker.PHOTO_NETWORK} learnt in "
            f"{time.process_time() - start:.0f} CPU s"
        )
        return 0
    first, last = (int(part) for part in args.seeds.split("-"))
    print(f"load average {os.getloadavg()[0]:.2f}; level 3, seeds {args.seeds}")
    print(f"  networks of today: {read(range(first, last + 1))}", flush=True)
    start = time.process_time()
    learnt = networks(args.photo_seeds)
    spent = time.process_time() - start
    with patch.object(checker, "networks", lambda: learnt):
        print(f"  learnt also from photos ({spent:.0f} CPU s): {read(range(first, last + 1))}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
