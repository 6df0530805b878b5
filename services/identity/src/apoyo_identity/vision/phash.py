"""A 128-bit perceptual hash, to find the same picture sent again for another support.

The 2018 "simulated credentials" were mostly one photo reused across supports. The hash must
survive what happens to a reused file (JPEG re-encoding, resizing, a brightness or gamma
change) yet tell apart two scans of *different* cards of the same model, which share every
printed line of the layout. The classic pHash (signs of the 8 × 8 lowest DCT frequencies)
cannot: on flatbed scans of two people's fronts it differed in only 2-4 bits when tried
while choosing the hash (not rerun by the benchmark). So the hash is two 64-bit halves, each
the signs of an 8 × 8 block of a thumbnail's DCT, where the layout no longer dominates what
the person's own data draws and JPEG and resizing still leave the signs alone:

- coarse (the high half): coefficients 24-31 of a 128 × 128 thumbnail, structures of about
  1/30 to 1/40 of the picture (words, the portrait's features);
- fine (the low half): coefficients 48-55 of a 256 × 256 thumbnail, twice as fine. Flatbed
  scans of two people's fronts came within 7 bits of each other on the coarse half in about
  1 pair of 75; none of those pairs did on the fine half too.

The price: a crop or rotation of a few percent moves these bits, so a cropped re-upload is
not caught (docs/evidence-checks.md). When two hashes are the same picture is
`apoyo_identity.reuse`'s to say.
"""

from functools import cache, lru_cache
from typing import Any

import cv2
import numpy as np
from numpy.typing import NDArray

# Thumbnail side, and the first of the 8 DCT rows and columns whose signs are kept.
COARSE, FINE = (128, 24), (256, 48)
HALVES = (COARSE, FINE)
BLOCK = 8


def perceptual_hash(image: NDArray[np.uint8]) -> int:
    """The coarse half's 64 bits, then the fine half's."""
    gray = (
        image if image.ndim == 2 else np.asarray(cv2.cvtColor(image, cv2.COLOR_BGR2GRAY), np.uint8)
    )
    height, width = gray.shape
    if min(height, width) < FINE[0]:
        return _signs(gray, *COARSE) << 64 | _signs(gray, *FINE)
    # The thumbnails' area averages and the DCT rows are both linear: folded into one
    # projection per axis, each half's 8 x 8 block is two products with the picture itself,
    # without the thumbnails (OpenCV's area resize to 256 x 256 took 0.4 ms of a 640 x 480
    # picture; the products take a fifth of that). The thumbnail is no longer rounded to
    # whole grey levels, the only difference from a resize.
    rows = _projection(height) @ gray.astype(np.float32)
    columns = _projection(width)
    coarse, fine = rows[:BLOCK] @ columns[:BLOCK].T, rows[BLOCK:] @ columns[BLOCK:].T
    return _packed(coarse) << 64 | _packed(fine)


def _signs(gray: NDArray[np.uint8], side: int, first: int) -> int:
    # Area averaging is the low-pass that makes the thumbnail the same at any input size.
    thumb = np.asarray(cv2.resize(gray, (side, side), interpolation=cv2.INTER_AREA), np.float32)
    rows = _basis(side, first)
    return _packed(rows @ thumb @ rows.T)  # only the 8 x 8 coefficients kept, not the DCT


def _packed(block: NDArray[np.floating[Any]]) -> int:
    # Signs, not a median split: an AC coefficient's sign ignores brightness and contrast.
    bits = (block > 0).ravel()
    return int.from_bytes(np.packbits(bits).tobytes(), "big")


@cache
def _basis(side: int, first: int) -> NDArray[np.float32]:
    """The DCT-II basis rows `first` to `first + BLOCK` (unscaled: only signs are kept)."""
    k = np.arange(first, first + BLOCK)[:, None]
    n = np.arange(side)[None, :]
    return np.cos(np.pi * (2 * n + 1) * k / (2 * side)).astype(np.float32)


@lru_cache(maxsize=64)  # a working copy's sides: at most 700 px, most of them a few sizes
def _projection(length: int) -> NDArray[np.float32]:
    """(16, length): the coarse then the fine half's DCT rows times the area average of
    `length` pixels down to that half's thumbnail side."""
    return np.vstack([_basis(side, first) @ _area(length, side) for side, first in HALVES])


def _area(length: int, side: int) -> NDArray[np.float32]:
    """(side, length): thumbnail pixel i averages the picture over [i, i + 1) * length / side,
    each pixel weighed by its share inside that span, as OpenCV's area resize weighs it."""
    scale = length / side
    start = np.arange(side)[:, None] * scale
    pixel = np.arange(length)[None, :]
    inside = np.minimum(pixel + 1, start + scale) - np.maximum(pixel, start)
    return np.asarray(np.clip(inside, 0, None) / scale, np.float32)
