"""Synthetic phone photos of credentials, with known truth, for the MRZ and barcode readers.

`phone_photo` has four levels of difficulty (0 clean scan-like .. 3 hard); the named
degradations (`photocopy`, `screen_photo`, `blurry`, `too_small`) are the cases the evidence
checks must reject or flag. Same input and seed, same JPEG bytes.
"""

import math
import random
from dataclasses import dataclass, replace

import cv2
import numpy as np
import numpy.typing as npt

from apoyo.synthetic.card_style import WIDTH
from apoyo.synthetic.credential import random_spec, render_back
from apoyo.synthetic.mrz import mrz_lines
from apoyo.synthetic.people import make_citizens
from apoyo.synthetic.photo_ops import (
    Image,
    Quad,
    card_quad,
    cast_shadow,
    decode,
    desk,
    f32,
    glare,
    light_gradient,
    lighten,
    place,
    sensor,
    three,
    to_jpeg,
    u8,
)

Light = npt.NDArray[np.float32]  # unclipped linear light, for the screen's subpixels


@dataclass(frozen=True)
class Shot:
    """How a photo is taken. `scale` is the card's width over the 1012 px flat card's, so the
    MRZ character height is 30 px × scale whatever the input resolution; `canvas` None is a
    flatbed scan (card on a plain bed with a margin)."""

    canvas: tuple[int, int] | None
    scale: tuple[float, float]
    angle: float  # maximum rotation either way, degrees
    perspective: float  # maximum corner displacement as a fraction of the card width
    blur: float  # Gaussian sigma, px
    noise: float  # sensor noise standard deviation, 0..255 units
    quality: int  # JPEG quality
    gradient: float = 0.0
    glare: bool = False
    shadow: bool = False


LEVELS = {
    0: Shot(None, (1.0, 1.0), 0, 0, 0, 0, 92),
    1: Shot((1280, 960), (0.86, 1.0), 5, 0.02, 0.6, 2, 85, 0.1),
    2: Shot((1280, 960), (0.74, 0.88), 12, 0.05, 1.2, 4, 70, 0.3),
    # Scale 0.48..0.58 puts the MRZ character height at about 14..18 px.
    3: Shot((960, 720), (0.48, 0.58), 25, 0.08, 1.8, 6, 55, 0.35, glare=True, shadow=True),
}
_BLURRY = replace(LEVELS[1], blur=12.0)
_TOO_SMALL = Shot((1600, 1200), (0.15, 0.19), 8, 0.02, 0.6, 3, 85, 0.1)


@dataclass(frozen=True)
class LabelledImage:
    image: bytes  # JPEG
    mrz: tuple[str, str, str]
    model: str
    qr_texts: tuple[str, ...]  # every QR code on the card; empty for models E and F
    level: int


def _generators(seed: int) -> tuple[random.Random, np.random.Generator]:
    return random.Random(seed), np.random.Generator(np.random.PCG64(seed))  # noqa: S311


def shoot(card: Image, shot: Shot, seed: int, upside_down: bool = False) -> Image:
    """A photo of the flat `card` (RGB array) taken as `shot` describes."""
    return shoot_placed(card, shot, seed, upside_down)[0]


def shoot_placed(
    card: Image, shot: Shot, seed: int, upside_down: bool = False
) -> tuple[Image, Quad]:
    """`shoot`'s photo and where the card's corners lie in it (top left first, clockwise):
    what the true MRZ cells are cut by (`benchmarks/mrz_photo_cells.py`, `mrz_failures.py`)."""
    r, rng = _generators(seed)
    height, width = card.shape[:2]
    scale = r.uniform(*shot.scale) * WIDTH / width
    if shot.canvas is None:
        canvas = (round(width * scale) + 80, round(height * scale) + 80)
        background = np.full((canvas[1], canvas[0], 3), 242, np.uint8)
    else:
        canvas = shot.canvas
        background = desk(r, rng, canvas)
    angle = r.uniform(-shot.angle, shot.angle) + (180 if upside_down else 0)
    quad = card_quad(r, canvas, (width, height), scale, angle, shot.perspective)
    image = place(background, card, quad, shadow=0 if shot.canvas is None else 0.35)
    if shot.gradient or shot.shadow:
        gain = light_gradient(canvas, r, shot.gradient)
        if shot.shadow:
            gain = gain * cast_shadow(canvas, r)
        image = lighten(image, gain)
    if shot.glare:
        image = glare(image, r, quad)
    return sensor(image, rng, shot.blur, shot.noise), quad


def phone_photo(card_png_or_jpeg: bytes, level: int, seed: int, upside_down: bool = False) -> bytes:
    """A JPEG phone photo of a flat card image at difficulty `level` (0..3)."""
    shot = LEVELS[level]
    return to_jpeg(shoot(decode(card_png_or_jpeg), shot, seed, upside_down), shot.quality)


def blurry(card: bytes, seed: int) -> bytes:
    """Out of focus so badly that no text is legible."""
    return to_jpeg(shoot(decode(card), _BLURRY, seed), _BLURRY.quality)


def too_small(card: bytes, seed: int) -> bytes:
    """The card a small part of a large frame: MRZ characters of about 5 px."""
    return to_jpeg(shoot(decode(card), _TOO_SMALL, seed), _TOO_SMALL.quality)


def photocopy(card: bytes, seed: int) -> bytes:
    """A scanned black-and-white photocopy: grey, harsh contrast, toner specks, on paper."""
    r, rng = _generators(seed)
    flat = decode(card)
    paper = np.full((1000, 1400, 3), 250, np.uint8)
    quad = card_quad(r, (1400, 1000), flat.shape[1::-1], WIDTH / flat.shape[1], r.uniform(-3, 3), 0)
    # The laminate copies darker than paper; the harsh curve then flattens the tints to grey.
    page = place(paper, u8(cv2.convertScaleAbs(flat, alpha=0.85)), quad, shadow=0)
    gray = np.clip((cv2.cvtColor(page, cv2.COLOR_RGB2GRAY) - 200.0) * 1.6 + 200, 0, 255)
    specks = cv2.dilate((rng.random(gray.shape) < 0.0012).astype(np.uint8), np.ones((2, 2)))
    gray = np.where(specks > 0, rng.uniform(20, 90, gray.shape), gray)
    for _ in range(r.randint(1, 3)):  # streaks left by a dirty drum
        x = r.randrange(gray.shape[1])
        gray[:, x : x + r.randint(1, 3)] *= r.uniform(0.75, 0.9)
    return to_jpeg(sensor(three(gray.astype(np.uint8)), rng, 0.6, 3), 80)


def _subpixels(screen: Light) -> Light:
    """Each screen pixel as an LCD triad: red, green and blue stripes, dark gap below."""
    height, width = screen.shape[:2]
    grid = np.zeros((height, 3, width, 3, 3), np.float32)
    for channel in range(3):
        grid[:, :2, :, channel, channel] = screen[:, None, :, channel]
    # Each stripe lights 2/9 of the triad's area; unclipped, the camera's averaging restores it.
    return grid.reshape(height * 3, width * 3, 3) * 4.5


def _moire(image: Light, r: random.Random) -> Light:
    """Curved interference bands: the beat of the sensor grid against the pixel grid."""
    height, width = image.shape[:2]
    x = np.arange(width, dtype=np.float32)[None, :]
    y = np.arange(height, dtype=np.float32)[:, None]
    theta, period = r.uniform(0, math.pi), r.uniform(14, 30)
    phase = (x * math.cos(theta) + y * math.sin(theta)) / period + (x * x + y * y) * 4e-6
    return image * three(f32(1 + 0.16 * np.sin(2 * math.pi * phase)))


def screen_photo(card: bytes, seed: int) -> bytes:
    """A photo of the card shown on a monitor: subpixel stripes, moiré, backlight tint."""
    r, rng = _generators(seed)
    flat = decode(card)
    size = (420, round(420 * flat.shape[0] / flat.shape[1]))
    shown = cv2.resize(flat, size, interpolation=cv2.INTER_AREA).astype(np.float32)
    screen = np.full((320, 500, 3), r.choice((30, 60, 225, 240)), np.float32)  # viewer backdrop
    top, left = (320 - size[1]) // 2, 40
    screen[top : top + size[1], left : left + size[0]] = shown
    # Optics soften the stripes, then the camera averages the unclipped light (area
    # resampling) and the sensor saturates only afterwards.
    lit = cv2.GaussianBlur(_subpixels(screen), (0, 0), 0.8)
    monitor = np.pad(lit, ((30, 30), (30, 30), (0, 0)), constant_values=18)
    fit = 1180 / monitor.shape[1]
    camera = f32(cv2.resize(monitor, None, fx=fit, fy=fit, interpolation=cv2.INTER_AREA))
    camera = _moire(camera, r) * np.array([0.92, 0.98, 1.08], np.float32)
    quad = card_quad(r, (1280, 960), camera.shape[1::-1], 1.0, r.uniform(-6, 6), 0.04)
    image = place(desk(r, rng, (1280, 960)), np.clip(camera, 0, 255).astype(np.uint8), quad, 0.3)
    image = lighten(image, light_gradient((1280, 960), r, 0.2))
    return to_jpeg(sensor(image, rng, 0.8, 3), 80)


def labelled_backs(count: int, level: int, seed: int) -> list[LabelledImage]:
    """`count` phone photos of card backs (models E..H mixed) with the truth of each."""
    images = []
    for i, person in enumerate(make_citizens(count, seed)):
        r = random.Random(f"{seed}-{i}")  # noqa: S311 - synthetic pictures
        spec = random_spec(r)
        card, qr_texts = render_back(person, spec)
        shot = LEVELS[level]
        photo = shoot(np.asarray(card), shot, r.randrange(1 << 32))
        lines = mrz_lines(person, spec.expiry_year)
        images.append(
            LabelledImage(to_jpeg(photo, shot.quality), lines, spec.model, qr_texts, level)
        )
    return images
