"""Shared geometry, fonts and security-print background of the synthetic credential.

The card is drawn at 1012 × 638 px for ID-1's 85.60 × 53.98 mm, i.e. 11.82 px/mm (300 dpi):
at that scale the TD1 MRZ has its real 2.54 mm (10 per inch) pitch as 30 px per character,
so readers see the proportions of a flatbed scan of a real card.
"""

import io
import random
from dataclasses import dataclass
from functools import cache

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from apoyo.synthetic.people import Citizen
from apoyo_identity.vision.glyphs import font_path  # the font the reader matches against

WIDTH, HEIGHT = 1012, 638
PX_PER_MM = WIDTH / 85.60
MODELS = ("E", "F", "G", "H")
INK = (20, 20, 24)
LABEL = (128, 24, 84)  # INE labels are printed in a magenta tone

# Background tints (left, right) and the two guilloche line colours of each model.
_PALETTES = {
    "E": ((236, 226, 214), (222, 214, 232), (196, 150, 170), (150, 176, 200)),
    "F": ((228, 232, 222), (236, 222, 214), (170, 180, 140), (196, 150, 160)),
    "G": ((240, 224, 232), (222, 228, 240), (206, 140, 180), (140, 170, 214)),
    "H": ((244, 230, 228), (226, 222, 242), (214, 150, 168), (160, 150, 214)),
}


@dataclass(frozen=True)
class CardSpec:
    """Which physical card: its model and the year it was issued (vigencia is 10 years)."""

    model: str
    issue_year: int

    @property
    def expiry_year(self) -> int:
        return self.issue_year + 10


def mm(value: float) -> int:
    return round(value * PX_PER_MM)


def card_rng(person: Citizen, spec: CardSpec, salt: str) -> random.Random:
    # A string seed is hashed with SHA-512 by `random`, so it is stable across runs.
    return random.Random(f"{person.cic}-{spec.model}-{spec.issue_year}-{salt}")  # noqa: S311


@cache
def ocrb_font() -> ImageFont.FreeTypeFont:
    font = ImageFont.truetype(str(font_path()), 100)
    # Size the font so its advance is exactly the ICAO pitch of 2.54 mm.
    size = 100 * 2.54 * PX_PER_MM / font.getlength("<")
    return ImageFont.truetype(str(font_path()), size)


@cache
def ui_font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    # DejaVu when the system has it (bold labels look closer to the card); Pillow's own
    # scalable font otherwise, so rendering never depends on system fonts besides OCR-B.
    try:
        return ImageFont.truetype("DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf", size)
    except OSError:
        return ImageFont.load_default(size)


def _lines(phase: np.ndarray, spacing: float, width: float) -> np.ndarray:
    """Intensity 0..1 of thin lines where `phase` crosses multiples of `spacing`."""
    distance = np.abs(phase / spacing - np.round(phase / spacing)) * spacing
    return np.clip(1.0 - distance / width, 0.0, 1.0)


@cache
def _background(model: str) -> Image.Image:
    left, right, ink1, ink2 = (np.array(c, np.float32) for c in _PALETTES[model])
    y, x = np.mgrid[0:HEIGHT, 0:WIDTH].astype(np.float32)
    mix = (x / WIDTH)[..., None]
    base = left * (1 - mix) + right * mix
    wave = 9 * np.sin(x / 23.0) + 5 * np.sin(x / 61.0 + y / 90.0)
    family1 = _lines(y + wave, 7.0, 0.9)
    family2 = _lines(y - wave * 0.8 + 0.3 * x, 11.0, 0.8)
    radius = np.hypot(x - 0.72 * WIDTH, y - 0.42 * HEIGHT)
    angle = np.arctan2(y - 0.42 * HEIGHT, x - 0.72 * WIDTH)
    rosette = _lines(radius + 14 * np.sin(angle * 12), 9.0, 0.9) * (radius < 260)
    image = base
    for lines, ink, alpha in ((family1, ink1, 0.35), (family2, ink2, 0.3), (rosette, ink1, 0.3)):
        weight = (lines * alpha)[..., None]
        image = image * (1 - weight) + ink * weight
    return Image.fromarray(image.astype(np.uint8), "RGB")


def blank_card(model: str) -> tuple[Image.Image, ImageDraw.ImageDraw]:
    image = _background(model).copy()
    return image, ImageDraw.Draw(image)


def draw_label(draw: ImageDraw.ImageDraw, xy: tuple[int, int], label: str, value: str) -> None:
    """A field as printed on the card: a small magenta label above a bold black value."""
    draw.text(xy, label, fill=LABEL, font=ui_font(15, bold=True))
    draw.text((xy[0], xy[1] + 18), value, fill=INK, font=ui_font(24, bold=True))


def scribble(draw: ImageDraw.ImageDraw, box: tuple[int, int, int, int], seed: int) -> None:
    """A signature-like scribble inside `box`."""
    rng = random.Random(seed)  # noqa: S311 - synthetic pictures
    x0, y0, x1, y1 = box
    step = (x1 - x0) / 10
    mid, amplitude = (y0 + y1) / 2, (y1 - y0) / 2.5
    points = [(x0 + step * i, mid + rng.uniform(-amplitude, amplitude)) for i in range(11)]
    draw.line(points, fill=(30, 30, 70), width=3, joint="curve")


def encode(image: Image.Image, fmt: str = "JPEG", quality: int = 90) -> bytes:
    buffer = io.BytesIO()
    if fmt == "JPEG":
        image.save(buffer, fmt, quality=quality)
    else:
        image.save(buffer, fmt)
    return buffer.getvalue()
