"""Where each line of the rectified MRZ really lies, found by matching the line as read.

The grid's cells are placed from the blobs: each blob's centre is its ink's, which a glyph's
shape moves (an L leans left, a digit's ink sits high, a `<` is small), so each column and
each row's curve follow the line's content as well as its place. Drawn in OCR-B, the symbols
the classifier read make a picture of the line; where that picture matches the levelled MRZ
best is where the line is, whatever its content. A line of 30 characters says so to a tenth
of a pixel even with a few symbols read wrong (docs/identity.md, "Lines matched as read").
"""

from functools import lru_cache

import cv2
import numpy as np
from numpy.typing import NDArray

from apoyo_identity.mrz_decode import ALLOWED_INDEX
from apoyo_identity.vision.cells import MARGIN, levelled
from apoyo_identity.vision.glyphs import PITCH, box_height, centre_fraction, rendered
from apoyo_identity.vision.locate import ROW_CHARS

SEARCH = 3  # canonical px each way a line is looked for around the even grid


@lru_cache(maxsize=1)
def _glyphs() -> NDArray[np.float32]:
    """(37, box, PITCH) each symbol's ink (0-1) in its canonical cell."""
    ink = rendered().astype(np.float32) / 255.0
    return np.stack(
        [cv2.resize(g, (PITCH, box_height()), interpolation=cv2.INTER_AREA) for g in ink]
    )


def likeliest_symbols(found: NDArray[np.float32]) -> NDArray[np.intp]:
    """(90,) each cell's likeliest symbol among those the layout allows there, from the
    classifier's (90, 37) scores."""
    return np.array(
        [allowed[int(np.argmax(found[p, allowed]))] for p, allowed in enumerate(ALLOWED_INDEX)],
        np.intp,
    )


def even_grid(row_step: float) -> NDArray[np.float64]:
    """(3, 30, 2) the cell centres of the rectified MRZ's even grid."""
    centres = np.zeros((3, ROW_CHARS, 2))
    centres[:, :, 0] = MARGIN + (np.arange(ROW_CHARS) + 0.5) * PITCH
    centres[:, :, 1] = MARGIN + np.arange(3)[:, None] * row_step
    return centres


def matched_centres(
    flat: NDArray[np.uint8], symbols: NDArray[np.intp], row_step: float
) -> NDArray[np.float64]:
    """(3, 30, 2) the even grid with each line moved to where its `symbols`, drawn, match the
    levelled `flat` best (normalised correlation, to a fraction of a pixel)."""
    ink = 1.0 - levelled(flat).astype(np.float32) / 255.0
    centres = even_grid(row_step)
    for line, read in enumerate(symbols.reshape(3, ROW_CHARS)):
        drawn = np.concatenate(list(_glyphs()[read]), axis=1)
        centres[line] += _best_shift(ink, drawn, MARGIN + line * row_step)
    return centres


def _best_shift(
    ink: NDArray[np.float32], drawn: NDArray[np.float32], y: float
) -> NDArray[np.float64]:
    """(x, y) canonical px from the even grid's line at `y` to where `drawn` matches `ink`."""
    top = y - centre_fraction() * drawn.shape[0]
    y0 = int(np.floor(top)) - SEARCH
    region = ink[y0 : y0 + drawn.shape[0] + 2 * SEARCH + 1, MARGIN - SEARCH :]
    region = region[:, : drawn.shape[1] + 2 * SEARCH]
    if y0 < 0 or region.shape[0] <= drawn.shape[0] or region.shape[1] < drawn.shape[1]:
        return np.zeros(2)
    match = np.asarray(cv2.matchTemplate(region, drawn, cv2.TM_CCOEFF_NORMED), np.float32)
    row, column = np.unravel_index(int(np.argmax(match)), match.shape)
    across = _peak(match[row, :], int(column)) - SEARCH
    down = _peak(match[:, column], int(row)) - SEARCH - (top - np.floor(top))
    return np.array([across, down])


def _peak(values: NDArray[np.float32], at: int) -> float:
    """The peak of `values` near its largest, `at`, to a fraction: a parabola's vertex."""
    if not 0 < at < len(values) - 1:
        return float(at)
    left, middle, right = (float(v) for v in values[at - 1 : at + 2])
    curve = left - 2 * middle + right
    return at + 0.5 * (left - right) / curve if curve < 0 else float(at)
