"""Character cells to learn from: random MRZ blocks drawn in OCR-B, photographed badly.

Each block is three lines of random symbols laid out on the reader's canonical grid, drawn
sharp at three times that size, then taken to a "photo" of some character pitch (12-34 px),
blurred, lit unevenly, grained and JPEG-compressed, and brought back to the grid with the
same warp and the same cell cutter the reader uses. The cells therefore carry what a phone
photo does to them, including the reader's own resampling and a little misalignment, and
nothing of any benchmark image: only the font and these generic degradations.
"""

import random

import cv2
import numpy as np
from numpy.typing import NDArray
from PIL import Image, ImageDraw, ImageFont

from apoyo_identity.rules.mrz import CHARSET
from apoyo_identity.vision.cells import MARGIN, ROW_STEP, canonical_size, rectify, windows
from apoyo_identity.vision.glyphs import PITCH, box_height, centre_fraction, font_path, geometry
from apoyo_identity.vision.locate import ROW_CHARS

LETTERS, DIGITS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ", "0123456789"
SUPER = 3  # drawing scale over the canonical grid
PHOTO_PITCH = (12.0, 34.0)  # character pitch in the photo, px
PHOTO_BLUR = (0.3, 2.2)  # lens blur, photo px
NOISE = 8.0
JPEG_QUALITY = (45, 95)
SLIP = 0.6  # canonical px: how far the reader's cell centres may miss


def _line(rng: random.Random) -> str:
    """30 symbols in runs of letters, digits and fillers, as an MRZ has them: a cell must be
    told apart with any neighbour, `<` beside `<` above all (its arms' ends, at the edge of the
    next cell, look like the bar of a K)."""
    kinds = (LETTERS, DIGITS, "<", CHARSET)
    line = ""
    while len(line) < ROW_CHARS:
        kind = rng.choice(kinds)
        line += "".join(rng.choice(kind) for _ in range(rng.randint(1, 10)))
    return line[:ROW_CHARS]


def _drawn(
    rng: random.Random, row_step: float
) -> tuple[NDArray[np.float32], str, NDArray[np.float64]]:
    """The block drawn sharp at SUPER times the canonical grid, its 90 symbols, and their
    (3, 30, 2) cell centres on the grid."""
    advance, top, _ = geometry()
    size = round(SUPER * PITCH * 200 / advance)
    font = ImageFont.truetype(str(font_path()), size)
    width, height = canonical_size(row_step)
    canvas = Image.new("L", (width * SUPER, height * SUPER), 255)
    draw = ImageDraw.Draw(canvas)
    text = "".join(_line(rng) for _ in range(3))
    box = box_height()
    for row in range(3):
        box_top = MARGIN + row * row_step - centre_fraction() * box
        line = text[row * ROW_CHARS : (row + 1) * ROW_CHARS]
        draw.text((MARGIN * SUPER, box_top * SUPER - top * size / 200), line, font=font, fill=0)
    centres = np.zeros((3, ROW_CHARS, 2))
    centres[:, :, 0] = MARGIN + (np.arange(ROW_CHARS) + 0.5) * font.getlength("0") / SUPER
    centres[:, :, 1] = MARGIN + np.arange(3)[:, None] * row_step
    return np.asarray(canvas, np.float32), text, centres


def _photographed(
    sharp: NDArray[np.float32], rng: random.Random, noise: np.random.Generator
) -> tuple[NDArray[np.uint8], NDArray[np.float64]]:
    """The drawing as a degraded grey photo, and the 3x3 map from canonical to photo pixels."""
    scale = rng.uniform(*PHOTO_PITCH) / PITCH / SUPER
    angle = np.deg2rad(rng.uniform(-3, 3))
    height, width = sharp.shape
    size = (int(width * scale) + 40, int(height * scale) + 40)
    rotate = scale * np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    shift = np.array(size) / 2 - rotate @ np.array([width, height]) / 2
    to_photo = np.hstack([rotate, shift[:, None]])
    smooth = cv2.GaussianBlur(sharp, (0, 0), 0.45 / scale)  # no aliasing when shrinking
    photo = cv2.warpAffine(smooth, to_photo, size, borderMode=cv2.BORDER_REPLICATE)
    photo = cv2.GaussianBlur(photo, (0, 0), rng.uniform(*PHOTO_BLUR))
    ink, paper = rng.uniform(0, 100), rng.uniform(150, 255)
    ramp_x = np.linspace(-1, 1, size[0])[None, :] * rng.uniform(-0.25, 0.25)
    ramp_y = np.linspace(-1, 1, size[1])[:, None] * rng.uniform(-0.2, 0.2)
    photo = (ink + (paper - ink) * photo / 255.0) * (1 + ramp_x + ramp_y)
    grain = noise.standard_normal(((size[1] + 1) // 2, (size[0] + 1) // 2)).astype(np.float32)
    photo += cv2.resize(grain * rng.uniform(0, NOISE) * 1.6, size)
    quality = [cv2.IMWRITE_JPEG_QUALITY, rng.randint(*JPEG_QUALITY)]
    encoded = cv2.imencode(".jpg", np.clip(photo, 0, 255).astype(np.uint8), quality)[1]
    decoded = np.asarray(cv2.imdecode(encoded, cv2.IMREAD_GRAYSCALE), np.uint8)
    canonical = np.vstack([to_photo, [0, 0, 1]]) @ np.diag([SUPER, SUPER, 1.0])
    return decoded, canonical


def block(rng: random.Random, noise: np.random.Generator) -> tuple[NDArray[np.float32], str]:
    """(90, window) cells of one random block as the reader would cut them, and the truth."""
    row_step = ROW_STEP * rng.uniform(0.95, 1.05)
    sharp, text, centres = _drawn(rng, row_step)
    photo, to_photo = _photographed(sharp, rng, noise)
    miss = np.eye(3)
    miss[:2, 2] = [rng.uniform(-0.5, 0.5), rng.uniform(-0.5, 0.5)]
    flat = rectify(photo, miss @ np.linalg.inv(to_photo), row_step)
    centres += np.array([rng.uniform(-SLIP, SLIP), rng.uniform(-SLIP, SLIP)])
    return windows(flat, centres), text


def training_set(blocks: int, seed: int) -> tuple[NDArray[np.float32], NDArray[np.int64]]:
    """Cells of `blocks` random blocks and their symbol indices in CHARSET; same seed, same set."""
    rng = random.Random(seed)  # noqa: S311 - synthetic training pictures
    noise = np.random.default_rng(seed)
    cells: list[NDArray[np.float32]] = []
    labels: list[int] = []
    for _ in range(blocks):
        found, text = block(rng, noise)
        cells.append(found)
        labels.extend(CHARSET.index(c) for c in text)
    return np.concatenate(cells), np.array(labels, dtype=np.int64)
