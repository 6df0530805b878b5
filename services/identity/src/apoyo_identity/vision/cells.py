"""Cut the 90 character cells out of a rectified MRZ and score them against the templates."""

from dataclasses import dataclass

import cv2
import numpy as np
from numpy.typing import NDArray

from apoyo_identity.vision.glyphs import PITCH, box_height, centre_fraction, templates
from apoyo_identity.vision.locate import ROW_CHARS

SHIFT = 2  # pixels of slack each way when matching a cell, for residual misalignment
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


def _normalised(patches: NDArray[np.float32]) -> NDArray[np.float32]:
    flat = patches.reshape(patches.shape[0], -1)
    flat = flat - flat.mean(axis=1, keepdims=True)
    norm = np.linalg.norm(flat, axis=1, keepdims=True)
    return np.asarray(flat / np.maximum(norm, 1e-6), dtype=np.float32)


@dataclass(frozen=True)
class Matches:
    """Per cell and symbol: the best correlation, and the window and template it came from."""

    scores: NDArray[np.float32]  # (90, 37)
    views: NDArray[np.float32]  # (90, 37, box·PITCH) the normalised window at the best shift
    templates: NDArray[np.float32]  # (90, 37, box·PITCH) the normalised template that matched


def match(cells: NDArray[np.float32]) -> Matches:
    """Normalised correlation of each cell with each symbol, best over shifts and blurs."""
    bank = templates()
    levels, symbols = bank.shape[:2]
    tpl = _normalised(bank.reshape(levels * symbols, *bank.shape[2:]))
    box, n = box_height(), cells.shape[0]
    views = np.stack(
        [
            _normalised(np.ascontiguousarray(cells[:, dy : dy + box, dx : dx + PITCH]))
            for dy in range(2 * SHIFT + 1)
            for dx in range(2 * SHIFT + 1)
        ]
    )  # (shifts, 90, box·PITCH)
    shifts = views.shape[0]
    corr = (views.reshape(shifts * n, -1) @ tpl.T).reshape(shifts, n, levels * symbols)
    flat = corr.transpose(1, 0, 2).reshape(n, shifts * levels, symbols)
    best = flat.argmax(axis=1)  # (90, 37) over shifts × blurs
    shift, level = np.divmod(best, levels)
    cell_idx = np.arange(n)[:, None]
    return Matches(
        scores=np.take_along_axis(flat, best[:, None, :], axis=1)[:, 0, :],
        views=views[shift, cell_idx],
        templates=tpl.reshape(levels, symbols, -1)[level, np.arange(symbols)[None, :]],
    )


def rectify(
    gray: NDArray[np.uint8], matrix: NDArray[np.float64], row_step: float
) -> NDArray[np.uint8]:
    width, height = canonical_size(row_step)
    flat = cv2.warpPerspective(
        gray, matrix, (width, height), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE
    )
    return np.asarray(flat, dtype=np.uint8)
