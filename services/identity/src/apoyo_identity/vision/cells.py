"""Cut the 90 character cells out of a rectified MRZ and score them against the templates."""

import cv2
import numpy as np
from numpy.typing import NDArray

from apoyo_identity.vision.glyphs import PITCH, box_height, centre_fraction, templates
from apoyo_identity.vision.locate import ROW_CHARS

SHIFT = 2  # pixels of slack each way when matching a cell, for residual misalignment
MARGIN = 3 * PITCH


def canonical_size(row_step: float) -> tuple[int, int]:
    return ROW_CHARS * PITCH + 2 * MARGIN, int(2 * row_step + 2 * MARGIN)


def windows(flat: NDArray[np.uint8], row_step: float) -> NDArray[np.float32]:
    """(90, box + 2·SHIFT, PITCH + 2·SHIFT) ink windows around each cell, row-major."""
    box = box_height()
    ink = 1.0 - flat.astype(np.float32) / 255.0
    out = np.empty((3 * ROW_CHARS, box + 2 * SHIFT, PITCH + 2 * SHIFT), np.float32)
    for r in range(3):
        top = round(MARGIN + r * row_step - centre_fraction() * box) - SHIFT
        for c in range(ROW_CHARS):
            left = MARGIN + c * PITCH - SHIFT
            out[r * ROW_CHARS + c] = ink[
                top : top + box + 2 * SHIFT, left : left + PITCH + 2 * SHIFT
            ]
    return out


def _normalised(patches: NDArray[np.float32]) -> NDArray[np.float32]:
    flat = patches.reshape(patches.shape[0], -1)
    flat = flat - flat.mean(axis=1, keepdims=True)
    norm = np.linalg.norm(flat, axis=1, keepdims=True)
    return np.asarray(flat / np.maximum(norm, 1e-6), dtype=np.float32)


def scores(cells: NDArray[np.float32]) -> NDArray[np.float32]:
    """(90, 37) best normalised correlation of each cell with each symbol over the shifts."""
    bank = templates()
    levels, symbols = bank.shape[:2]
    tpl = _normalised(bank.reshape(levels * symbols, *bank.shape[2:]))
    box = box_height()
    best = np.full((cells.shape[0], levels * symbols), -1.0, np.float32)
    for dy in range(2 * SHIFT + 1):
        for dx in range(2 * SHIFT + 1):
            view = np.ascontiguousarray(cells[:, dy : dy + box, dx : dx + PITCH])
            best = np.maximum(best, _normalised(view) @ tpl.T)
    return np.asarray(best.reshape(-1, levels, symbols).max(axis=1), dtype=np.float32)


def rectify(
    gray: NDArray[np.uint8], matrix: NDArray[np.float64], row_step: float
) -> NDArray[np.uint8]:
    width, height = canonical_size(row_step)
    flat = cv2.warpPerspective(
        gray, matrix, (width, height), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE
    )
    return np.asarray(flat, dtype=np.uint8)
