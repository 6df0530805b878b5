"""Evidence checks on one picture of a support: each a pure function of a decoded image
(uint8, BGR or gray); `picture_flags` gives a card picture's flag codes, and the identity
domain (`support_flags`) adds those of the pictures together.

Thresholds were set on labelled synthetic pictures (`benchmarks/evidence.py`); what each
check measures, its rates and its limits are in docs/evidence-checks.md.
"""

import cv2
import numpy as np
from numpy.typing import NDArray

from apoyo_identity.vision.text_rows import text_boxes

Image = NDArray[np.uint8]

# Grayscale: the share of lit pixels whose chromaticity strays from the picture's median.
CHROMA_STEP, COLOUR_SHARE = 0.015, 0.035  # pastel card tints
VIVID_STEP, VIVID_SHARE = 0.03, 0.008  # or a small card of vivid ink in a grey frame
# Photocopy: toner specks per megapixel, or the share of the frame that is blank paper.
SPECKS_PER_MP, PAPER_SHARE = 1200.0, 0.3
# Screen: how much of a tile's spectrum one grating holds, over the card's text area.
GRATING_SHARE = 0.145
# Blur: the steepest edges' slope over their contrast (1/px); a sigma-s blur gives ~0.4/s.
SHARPNESS = 0.22
# Too small: a legible card shows a dozen characters at least this tall at the MRZ reader's
# working resolution (long side 1400 px).
MIN_SIDE, MIN_TEXT, MIN_CHARACTERS = 400, 8, 12
TEXT_SIDE = 1400
_TILE = 64
MAX_TILES = 96


def _gray(image: Image) -> Image:
    return image if image.ndim == 2 else np.asarray(cv2.cvtColor(image, cv2.COLOR_BGR2GRAY))


def _shrink(image: Image, side: int) -> Image:
    """Area-averaged down to `side` on the long edge: checks then see the same scale
    whatever the camera, and run in bounded time."""
    scale = side / max(image.shape[:2])
    if scale >= 1:
        return image
    return np.asarray(cv2.resize(image, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA))


def looks_grayscale(image: Image) -> bool:
    """No colour over the card: a black-and-white photo, scan or photocopy.

    Chromaticity (r, g, b over their sum) rather than Lab chroma: a white-balance cast
    multiplies the channels, which leaves a grey picture's chromaticity uniform, so it is
    measured against the picture's own median. A mostly neutral frame (grey desk, white
    scanner bed) still counts as colour if a few percent of it is card tint or ink."""
    if image.ndim == 2:
        return True
    pixels = _shrink(image, 500).reshape(-1, 3).astype(np.float32)
    total = pixels.sum(1)
    lit = total >= 150  # in the dark, chromaticity is mostly sensor noise
    if lit.sum() < 100:
        return False  # too dark to tell; other checks speak for it
    chroma = pixels[lit] / total[lit, None]
    stray = np.abs(chroma - np.median(chroma, 0)).max(1)
    coloured = bool(np.mean(stray > CHROMA_STEP) >= COLOUR_SHARE)
    return not (coloured or bool(np.mean(stray > VIVID_STEP) >= VIVID_SHARE))


def _specks_per_megapixel(gray: Image) -> float:
    """Isolated dark dots of a few pixels on a bright ground: the toner a copier scatters."""
    closed = cv2.morphologyEx(gray, cv2.MORPH_CLOSE, cv2.getStructuringElement(0, (7, 7)))
    dots = ((closed.astype(np.int16) - gray > 40) & (closed >= 170)).astype(np.uint8)
    _, _, stats, _ = cv2.connectedComponentsWithStats(dots)
    w, h, area = stats[1:, cv2.CC_STAT_WIDTH], stats[1:, cv2.CC_STAT_HEIGHT], stats[1:, 4]
    return float(np.sum((area <= 9) & (w <= 4) & (h <= 4)) / (gray.size / 1e6))


def looks_photocopy(image: Image) -> bool:
    """Grey, and copier-like: toner specks, or a large blank sheet around the card (a copy
    is a page; a black-and-white photo is mostly card and desk)."""
    if not looks_grayscale(image):
        return False
    gray = _shrink(_gray(image), 1000)
    paper = float(np.mean(gray >= np.percentile(gray, 99.5) - 6))
    return _specks_per_megapixel(gray) >= SPECKS_PER_MP or paper >= PAPER_SHARE


def _text_area(gray: Image, boxes: NDArray[np.int64] | None = None) -> NDArray[np.bool_] | None:
    boxes = text_boxes(gray) if boxes is None else boxes
    if len(boxes) < MIN_CHARACTERS:
        return None
    corners = np.concatenate([boxes[:, :2], boxes[:, :2] + boxes[:, 2:]]).astype(np.int32)
    mask = np.zeros(gray.shape, np.uint8)
    cv2.fillConvexPoly(mask, cv2.convexHull(corners), 1)
    return mask.astype(bool)


def _grating_shares(gray: Image, area: NDArray[np.bool_]) -> NDArray[np.float64]:
    """For each 64 px tile inside `area`: the share of its band-pass spectrum (periods 3 to
    30 px) that the strongest peak and its 8 neighbour bins hold."""
    starts = [
        (y, x)
        for y in range(0, gray.shape[0] - _TILE + 1, _TILE // 2)
        for x in range(0, gray.shape[1] - _TILE + 1, _TILE // 2)
        if area[y : y + _TILE, x : x + _TILE].mean() >= 0.9
    ]
    if not starts:
        return np.zeros(0)
    # An even sample of the tiles tells the moiré as well as all of them, at a bounded cost.
    starts = starts[:: max(1, len(starts) // MAX_TILES)]
    tiles = np.stack([gray[y : y + _TILE, x : x + _TILE] for y, x in starts]).astype(np.float32)
    window = np.outer(np.hanning(_TILE), np.hanning(_TILE)).astype(np.float32)
    tiles = (tiles - tiles.mean((1, 2), keepdims=True)) * window
    f = np.fft.fftfreq(_TILE)
    radius = np.hypot(f[:, None], f[None, :])
    power = np.abs(np.fft.fft2(tiles)) ** 2 * ((radius >= 1 / 30) & (radius <= 1 / 3))
    pooled = sum(np.roll(power, (dy, dx), (1, 2)) for dy in (-1, 0, 1) for dx in (-1, 0, 1))
    # A real tile's spectrum is symmetric: the peak's mirror holds as much again.
    return np.asarray(pooled.max((1, 2)) / (power.sum((1, 2)) + 1e-6) / 2, np.float64)


def looks_screen(image: Image) -> bool:
    """A photo of a screen: moiré, the beat of the camera's pixel grid against the screen's,
    lays one regular grating over the whole card. Printed text and guilloche spread their
    energy over many frequencies instead. Only tiles inside the card's text area count, so
    the desk's wood grain and ruled papers do not."""
    gray = _shrink(_gray(image), TEXT_SIDE)
    return _screen(gray, text_boxes(gray))


def _screen(gray: Image, boxes: NDArray[np.int64]) -> bool:
    area = _text_area(gray, boxes)
    if area is None:
        return False
    shares = _grating_shares(gray, area)
    return len(shares) >= 6 and float(np.percentile(shares, 75)) > GRATING_SHARE


def is_blurry(image: Image) -> bool:
    """Edges are soft: across the picture's contrasty edges, the steepest slopes (99th
    percentile) over the local contrast. A sharp edge climbs in ~2 px, a sigma-s blur over
    ~2.5 s px; dividing by the contrast makes dim or washed-out pictures comparable."""
    gray = _shrink(_gray(image), 1000).astype(np.float32)
    slope = np.hypot(cv2.Sobel(gray, cv2.CV_32F, 1, 0), cv2.Sobel(gray, cv2.CV_32F, 0, 1)) / 8
    kernel = np.ones((9, 9), np.uint8)
    contrast = cv2.dilate(gray, kernel) - cv2.erode(gray, kernel)
    edges = contrast > 40
    if edges.sum() < 200:
        return True  # nothing with contrast at all: nothing legible either
    return float(np.percentile(slope[edges] / contrast[edges], 99)) < SHARPNESS


def is_too_small(image: Image) -> bool:
    """The card's print is too small to read: the image itself is tiny, or it has fewer
    than a dozen characters of legible height lined up in rows (a card far off in a big
    frame; also a picture with no card at all)."""
    return _small(image, text_boxes(_shrink(_gray(image), TEXT_SIDE)))


def _small(image: Image, boxes: NDArray[np.int64]) -> bool:
    if min(image.shape[:2]) < MIN_SIDE:
        return True
    return int(np.sum(boxes[:, 3] >= MIN_TEXT)) < MIN_CHARACTERS


def picture_flags(image: Image, legible: bool) -> list[str]:
    """Flags of one card picture; `legible` when its MRZ was read, which proves the print
    large and sharp enough whatever the text-size estimate says."""
    found = []
    if looks_grayscale(image):
        found.append("GRAYSCALE")
        if looks_photocopy(image):
            found.append("PHOTOCOPY")
    text = _shrink(_gray(image), TEXT_SIDE)
    boxes = text_boxes(text)  # shared by the screen and the size checks: it costs the most
    if _screen(text, boxes):
        found.append("SCREEN_PHOTO")
    if is_blurry(image):
        found.append("BLURRY")  # and its text size cannot be judged
    elif not legible and _small(image, boxes):
        found.append("TOO_SMALL")
    return found
