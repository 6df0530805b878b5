"""A 64-bit perceptual hash, to find the same picture sent again for another support.

The 2018 "simulated credentials" were mostly one photo reused across supports. The hash must
survive what happens to a reused file (JPEG re-encoding, resizing, a brightness or gamma
change) yet tell apart two scans of *different* cards of the same model, which share every
printed line of the layout. The classic pHash (signs of the 8 × 8 lowest DCT frequencies)
cannot: on flatbed scans of two people's fronts it differed in only 2-4 bits when tried
while choosing the hash (not rerun by the benchmark). So the bits
here are the signs of a mid-frequency 8 × 8 block of the DCT of a 128 × 128 thumbnail
(structures of roughly 1/30 to 1/40 of the picture: words, the portrait's features), where
the layout no longer dominates what the person's own data draws, and which JPEG and resizing
still leave alone. The price: a crop or rotation of a few percent moves these bits too, so a
cropped re-upload is not caught (docs/evidence-checks.md).
"""

import cv2
import numpy as np
from numpy.typing import NDArray

THUMB = 128
BAND = slice(24, 32)  # DCT rows and columns whose signs make the 64 bits
# Hamming distance up to which two hashes are the same picture. Measured on synthetic
# photos (benchmarks/evidence.py): copies re-encoded, resized or gamma-shifted differ by
# at most 7 bits, typically 0-1; a strong brightness/contrast change reached 10 once in 300.
# Different cards lie at a median of 32, but flatbed scans of two fronts (same layout) came
# as close as 8, once in 1225 pairs. 7 keeps every different pair apart.
REUSE_DISTANCE = 7


def perceptual_hash(image: NDArray[np.uint8]) -> int:
    gray = image if image.ndim == 2 else cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    # Area averaging is the low-pass that makes the thumbnail the same at any input size.
    thumb = cv2.resize(gray, (THUMB, THUMB), interpolation=cv2.INTER_AREA)
    block = cv2.dct(np.asarray(thumb, np.float32))[BAND, BAND]
    # Signs, not a median split: an AC coefficient's sign ignores brightness and contrast.
    bits = (block > 0).ravel()
    return int.from_bytes(np.packbits(bits).tobytes(), "big")


def hamming(a: int, b: int) -> int:
    return (a ^ b).bit_count()


def is_reuse(a: int, b: int) -> bool:
    return hamming(a, b) <= REUSE_DISTANCE
