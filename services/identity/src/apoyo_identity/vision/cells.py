"""Cut the 90 character cells out of a rectified MRZ."""

import cv2
import numpy as np
from numpy.typing import NDArray

from apoyo_identity.vision.glyphs import PITCH, box_height, centre_fraction
from apoyo_identity.vision.locate import ROW_CHARS

SHIFT = 2  # pixels of slack each way around a cell, for residual misalignment
MARGIN = 3 * PITCH


def canonical_size(row_step: float) -> tuple[int, int]:
    return ROW_CHARS * PITCH + 2 * MARGIN, int(2 * row_step + 2 * MARGIN)


def windows(flat: NDArray[np.uint8], centres: NDArray[np.float64]) -> NDArray[np.float32]:
    """(90, box + 2·SHIFT, PITCH + 2·SHIFT) ink windows around each cell centre, row-major."""
    box = box_height()
    height, width = box + 2 * SHIFT, PITCH + 2 * SHIFT
    pad = 2 * PITCH
    ink = np.pad(1.0 - flat.astype(np.float32) / 255.0, pad, mode="edge")
    out = np.empty((3 * ROW_CHARS, height, width), np.float32)
    for index, (x, y) in enumerate(centres.reshape(-1, 2)):
        top = pad + round(y - centre_fraction() * box) - SHIFT
        left = pad + round(x - PITCH / 2) - SHIFT
        out[index] = ink[top : top + height, left : left + width]
    return out


def rectify(
    gray: NDArray[np.uint8], matrix: NDArray[np.float64], row_step: float
) -> NDArray[np.uint8]:
    width, height = canonical_size(row_step)
    flat = cv2.warpPerspective(
        gray, matrix, (width, height), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE
    )
    return np.asarray(flat, dtype=np.uint8)
