"""Cut the 90 character cells out of a rectified MRZ."""

import cv2
import numpy as np
from numpy.typing import NDArray

from apoyo_identity.vision.glyphs import PITCH, box_height, centre_fraction
from apoyo_identity.vision.locate import ROW_CHARS
from apoyo_identity.vision.small_arrays import median

SHIFT = 2  # pixels of slack each way around a cell, for residual misalignment
MARGIN = 3 * PITCH
# ICAO 9303: 6 lines per inch at 10 characters per inch. The MRZ is flattened with this
# known line spacing, not one measured between the rows: the rows' points fix the grid only
# up to its vertical scale, and a spacing measured between rows whose ends glare or shadow
# took off was 5% too large on average and 7% off either way (level-3 development photos),
# which stretched or squeezed every glyph the classifier saw.
ROW_STEP = PITCH * 4.23 / 2.54
# Paper and ink levels are taken over this many canonical pixels (1.2 character pitches):
# wider than a stroke, narrower than a glare spot's slope.
LEVELS_SPAN = 19
LEAST_SPREAD = 8.0  # grey levels: where paper and ink are closer, nothing is stretched more


def canonical_size(row_step: float) -> tuple[int, int]:
    return ROW_CHARS * PITCH + 2 * MARGIN, int(2 * row_step + 2 * MARGIN)


# Each grey level's ink (1 - grey / 255) as a table: one lookup a pixel instead of three
# passes over the whole rectified MRZ, the same float32 values.
_INK = 1.0 - np.arange(256, dtype=np.float32) / 255.0
Maps = tuple[NDArray[np.float32], NDArray[np.float32]]


def windows(flat: NDArray[np.uint8], centres: NDArray[np.float64]) -> NDArray[np.float32]:
    """(cells, box + 2·SHIFT, PITCH + 2·SHIFT) ink windows around each cell centre, row-major.

    Cut where the centres are, to the fraction of a pixel (bilinear): rounded to whole
    pixels, each cell sat up to half a pixel off, and 13 more of 640 level-3 development
    photos read with the classifier learnt on such cuts (docs/identity.md). A centre off the
    image (a grid hypothesis reaching past it) takes the edge's pixels."""
    return _windows_at(flat, _maps(centres))


def _maps(centres: NDArray[np.float64]) -> Maps:
    """Where each pixel of each window is taken from in the rectified MRZ, as `cv2.remap`
    wants it: x and y, (cells · (box + 2·SHIFT), PITCH + 2·SHIFT)."""
    box = box_height()
    height, width = box + 2 * SHIFT, PITCH + 2 * SHIFT
    points = centres.reshape(-1, 2)
    left = points[:, 0] - PITCH / 2 - SHIFT
    top = points[:, 1] - centre_fraction() * box - SHIFT
    shape = (len(points), height, width)
    # Each window's columns and rows rounded to float32 once, then spread over the window.
    xs = (left[:, None] + np.arange(width)[None, :]).astype(np.float32)[:, None, :]
    ys = (top[:, None] + np.arange(height)[None, :]).astype(np.float32)[:, :, None]
    return (
        np.ascontiguousarray(np.broadcast_to(xs, shape).reshape(-1, width)),
        np.ascontiguousarray(np.broadcast_to(ys, shape).reshape(-1, width)),
    )


def _windows_at(flat: NDArray[np.uint8], maps: Maps) -> NDArray[np.float32]:
    width = maps[0].shape[1]
    cut = cv2.remap(cv2.LUT(flat, _INK), *maps, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
    return np.asarray(cut, np.float32).reshape(-1, box_height() + 2 * SHIFT, width)


def levelled(flat: NDArray[np.uint8], rows: tuple[int, int] | None = None) -> NDArray[np.uint8]:
    """The rectified MRZ with its local paper white and ink black stretched to 255 and 0.

    Glare adds light that clips the paper at white and lifts the ink under it, and the spot
    falls off over two or three character heights: a cell's ink then fades across it, which
    its zero-mean, unit-length features do not undo. The paper is the largest grey and the
    ink the smallest within LEVELS_SPAN, each smoothed over as much.

    `rows`: only those (first, past the last) are levelled and the rest left 0, each row as
    levelling the whole image gives it, bit for bit (`_band`)."""
    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (LEVELS_SPAN, LEVELS_SPAN))
    first, last = (0, len(flat)) if rows is None else rows
    # Smoothing a row reads LEVELS_SPAN // 2 rows each side: those are smoothed too, or the
    # image's edge is the band's, reflected as the whole image's.
    reach = LEVELS_SPAN // 2
    low, high = max(first - reach, 0), min(last + reach, len(flat))
    inner = slice(first - low, last - low)
    # The largest and smallest grey are taken on the 8-bit image (the same values, quicker),
    # and smoothed in floating point (sums of whole grey levels: exact, wherever they start).
    box = (LEVELS_SPAN, LEVELS_SPAN)
    paper = cv2.blur(cv2.dilate(flat, kernel)[low:high].astype(np.float32), box)[inner]
    ink = cv2.blur(cv2.erode(flat, kernel)[low:high].astype(np.float32), box)[inner]
    # (grey - ink) · 255 / max(paper - ink, LEAST_SPREAD), clipped to 0-255 and truncated:
    # the same float32 operations, in place.
    np.subtract(paper, ink, out=paper)
    np.maximum(paper, LEAST_SPREAD, out=paper)
    np.divide(255.0, paper, out=paper)
    stretched = flat[first:last].astype(np.float32)
    np.subtract(stretched, ink, out=stretched)
    np.multiply(stretched, paper, out=stretched)
    np.clip(stretched, 0, 255, out=stretched)
    out = np.zeros_like(flat)
    out[first:last] = stretched
    return out


def _band(maps: Maps, height: int) -> tuple[int, int] | None:
    """The rows of a `height`-row image that `cv2.remap` reads at `maps` (bilinear, the
    border replicated), with a row to spare each side: each point's row and the next (its y
    rounded to 1/32 px can make them the next two), the edge's for those beyond it; None
    where a coordinate is not finite (the whole image)."""
    top, bottom = float(maps[1].min()), float(maps[1].max())
    if not (np.isfinite(top) and np.isfinite(bottom)):
        return None
    first = min(max(int(np.floor(top)) - 1, 0), height - 1)
    return first, min(max(int(np.floor(bottom)) + 2, 0), height - 1) + 1


def cut(
    flat: NDArray[np.uint8], centres: NDArray[np.float64]
) -> tuple[NDArray[np.float32], NDArray[np.float32]]:
    """The cells of the `levelled` MRZ for the classifiers, and each cell's `contrast` as
    photographed: levelling restores a washed-out cell's contrast, not its lost strokes.
    Only the rows the cells read are levelled (`_band`)."""
    maps = _maps(centres)
    levels = levelled(flat, _band(maps, len(flat)))
    return _windows_at(levels, maps), contrast(_windows_at(flat, maps))


def contrast(cells: NDArray[np.float32]) -> NDArray[np.float32]:
    """Each cell's ink contrast over the median cell's, the larger of two measures, so that a
    cell is washed out (well below 1) only where both say so: its spread (between its
    lightest and darkest twentieth, inside the slack), which glare that clips the paper at
    white lowers, but a cast shadow or a dim edge too, and its depth (that spread over its
    own paper's lightness), which light added by glare lowers and a shadow, dimming paper
    and ink alike, keeps. The spread alone refused right name letters in shadow (14 of 640
    level-3 development photos, docs/identity.md)."""
    inner = np.sort(cells[:, SHIFT:-SHIFT, SHIFT:-SHIFT].reshape(len(cells), -1), axis=1)
    twentieth = inner.shape[1] // 20
    paper = 1.0 - inner[:, twentieth]  # the cells hold ink (1 - grey / 255)
    spread = inner[:, -1 - twentieth] - inner[:, twentieth]
    depth = spread / np.maximum(paper, 1e-3)
    return np.asarray(np.maximum(_over_median(spread), _over_median(depth)), np.float32)


def _over_median(values: NDArray[np.float32]) -> NDArray[np.float32]:
    return np.asarray(values / max(median(values), 1e-6), np.float32)


def rectify(
    gray: NDArray[np.uint8], matrix: NDArray[np.float64], row_step: float
) -> NDArray[np.uint8]:
    width, height = canonical_size(row_step)
    flat = cv2.warpPerspective(
        gray, matrix, (width, height), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE
    )
    return np.asarray(flat, dtype=np.uint8)
