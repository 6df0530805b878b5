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
cropped re-upload is not caught (docs/evidence-checks.md). When two hashes are the same
picture is `apoyo_identity.reuse`'s to say.
"""

import cv2
import numpy as np
from numpy.typing import NDArray

THUMB = 128
BAND = slice(24, 32)  # DCT rows and columns whose signs make the 64 bits


def perceptual_hash(image: NDArray[np.uint8]) -> int:
    gray = image if image.ndim == 2 else cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    # Area averaging is the low-pass that makes the thumbnail the same at any input size.
    thumb = cv2.resize(gray, (THUMB, THUMB), interpolation=cv2.INTER_AREA)
    block = cv2.dct(np.asarray(thumb, np.float32))[BAND, BAND]
    # Signs, not a median split: an AC coefficient's sign ignores brightness and contrast.
    bits = (block > 0).ravel()
    return int.from_bytes(np.packbits(bits).tobytes(), "big")
