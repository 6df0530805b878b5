"""Where each of the 90 cells really is in the rectified MRZ.

The homography puts every row's first and last character where they belong, but lenses bend
rows and printing drifts, so a cell in the middle can sit a third of a pitch off. Each
character blob, carried into the rectified frame, says where its column really is; columns
without a blob take the offset of their neighbours. A blob's centre is its ink's, though, not
its cell's (an L or a 1 leans left, a 7 right), so each column takes the median offset of the
blobs around it: a bend is smooth, a glyph's lean is not.

Vertically, a row's blobs give the line through their ink centres, but the cells are cut
around the mean ink centre of all letters and digits, and a digit's ink sits higher than a
letter's: the two digit lines were cut 0.6-0.8 canonical px high on level-3 development
photos, where a 0 so cut looks like a 6. Each line is lowered by what its usual content
puts above that mean.
"""

from functools import lru_cache

import cv2
import numpy as np
from numpy.typing import NDArray

from apoyo_identity.mrz_decode import DIGITS, LETTERS
from apoyo_identity.rules.mrz import CHARSET
from apoyo_identity.vision.glyphs import PITCH, box_height, centre_fraction, ink_centres
from apoyo_identity.vision.locate import ROW_CHARS, Row
from apoyo_identity.vision.small_arrays import parabola_fit

NEIGHBOURS = 3  # blobs each side whose median offset a column takes
# What each line usually holds, as (symbols, how many): `IDMEX`, the CIC and its check
# digit, `<<` and 13 digits; dates, sex, `MEX`, the emission number and fillers; names and
# fillers, about as many of each.
LINE_CONTENT = (
    (("IDMEX", 5), (DIGITS, 23), ("<", 2)),
    ((DIGITS, 17), ("HM", 1), ("MEX", 3), ("<", 9)),
    ((LETTERS, 15), ("<", 15)),
)


@lru_cache(maxsize=3)
def line_drop(line: int) -> float:
    """Canonical px by which the line through a line's ink centres sits above its cells'
    centres: the mean ink centre of letters and digits less that of the line's content."""
    centres = ink_centres()
    total = sum(
        count * float(np.mean([centres[CHARSET.index(c)] for c in symbols]))
        for symbols, count in LINE_CONTENT[line]
    )
    count = sum(count for _, count in LINE_CONTENT[line])
    return (centre_fraction() - total / count) * box_height()


def column_centres(
    rows: tuple[Row, Row, Row],
    matrix: NDArray[np.float64],
    margin: int,
    row_step: float,
    upside_down: bool,
) -> NDArray[np.float64]:
    """(3, 30, 2) centre of every cell in the rectified image, row-major."""
    ordered = rows[::-1] if upside_down else rows
    expected_x = np.asarray(margin + (np.arange(ROW_CHARS) + 0.5) * PITCH, dtype=np.float64)
    out = np.empty((3, ROW_CHARS, 2))
    for r, row in enumerate(ordered):
        points = cv2.perspectiveTransform(row.centres[None, :, :], matrix)[0]
        out[r, :, 0] = expected_x + _offsets(points[:, 0], expected_x)
        out[r, :, 1] = _row_line(points, margin + r * row_step, expected_x, line_drop(r))
    return out


def _offsets(xs: NDArray[np.float64], expected: NDArray[np.float64]) -> NDArray[np.float64]:
    column = np.round((xs - expected[0]) / PITCH).astype(int)
    delta = xs - (expected[0] + column * PITCH)
    keep = (column >= 0) & (column < ROW_CHARS) & (np.abs(delta) < 0.45 * PITCH)
    if np.count_nonzero(keep) < 5:
        return np.zeros(ROW_CHARS)
    # One offset per column, the last blob's where two stand in one (the later wins): what
    # np.unique(..., return_index=True) gives on the reversed columns, without its overhead.
    backwards = column[keep][::-1]
    order = np.argsort(backwards, kind="stable")
    ordered = backwards[order]
    first = np.concatenate(([True], ordered[1:] != ordered[:-1]))
    cols, last = ordered[first], order[first]
    values = _running_median(delta[keep][::-1][last])
    return np.asarray(np.interp(np.arange(ROW_CHARS), cols, values), dtype=np.float64)


def _running_median(values: NDArray[np.float64]) -> NDArray[np.float64]:
    """Each value's median with its NEIGHBOURS each side (fewer at the ends); np.nanmedian
    does the same over padded windows, at a millisecond an image."""
    padding = np.full(NEIGHBOURS, np.nan)
    padded = np.concatenate((padding, values, padding))
    windows = np.sort(padded[_window_slots(len(values))], axis=1)  # the NaNs sort last
    counts = (~np.isnan(windows)).sum(axis=1)
    rows = np.arange(len(values))
    return np.asarray((windows[rows, (counts - 1) // 2] + windows[rows, counts // 2]) / 2)


@lru_cache(maxsize=64)
def _window_slots(count: int) -> NDArray[np.intp]:
    """(count, 2·NEIGHBOURS + 1): the padded values around each of `count` values."""
    return np.arange(count)[:, None] + np.arange(2 * NEIGHBOURS + 1)[None, :]


def _row_line(
    points: NDArray[np.float64], expected_y: float, xs: NDArray[np.float64], drop: float
) -> NDArray[np.float64]:
    """The row's vertical centre along its length: a gentle curve, not just a line, through
    the blobs' ink centres and lowered by `drop` (see the module's docstring), held level
    past the first and last blob."""
    near = np.abs(points[:, 1] - expected_y) < 0.6 * PITCH
    if np.count_nonzero(near) < 8:
        return np.full(len(xs), expected_y)
    fit = parabola_fit(points[near, 0], points[near, 1])
    # Past the blobs the curve is not followed, its ends held: a parabola through a line's
    # first 17 or 20 blobs went 5-7 canonical px astray (of an 18 px box) over the 9 or 12
    # columns glare had taken, and those cells no longer read (docs/identity.md).
    covered = np.clip(xs, points[near, 0].min(), points[near, 0].max())
    return np.asarray(np.polyval(fit, covered) + drop, dtype=np.float64)
