"""Which way up the MRZ is and which column each row's first blob stands in.

`columns` numbers each row's blobs and offers the offsets that line the rows' ends up; this
settles them with the characters the layout fixes. The block is flattened once with the
offsets that line the ends up best; there a wrong offset of the first two lines only moves
their characters whole columns, so each line takes the offset that puts `IDMEX` and `<<`
(line 1) or `MEX` (line 2) where they belong, and the orientation whose fixed characters
fit best wins. The names line has none: its offset is the one that lines its ends up with
the other two.
"""

from itertools import product
from typing import TypeVar

import cv2
import numpy as np
from numpy.typing import NDArray

from apoyo_identity.rules.mrz import CHARSET
from apoyo_identity.vision.align import column_centres
from apoyo_identity.vision.cells import MARGIN, rectify, windows
from apoyo_identity.vision.classifier import scores
from apoyo_identity.vision.columns import (
    Numbered,
    completed,
    grid_homography,
    hypotheses,
    offset_range,
    regapped,
)
from apoyo_identity.vision.glyphs import PITCH
from apoyo_identity.vision.locate import ROW_CHARS, Row
from apoyo_identity.vision.small_arrays import line_fit

# Per line, the columns whose symbol the layout fixes: they tell which column is which.
KNOWN_TEXT = ({0: "IDMEX", 15: "<<"}, {15: "MEX"})
KNOWN_COLUMNS = [
    [at + k for at, text in line.items() for k in range(len(text))] for line in KNOWN_TEXT
]
CLEAR_FIT = -200.0  # log-likelihood lost, over the ten fixed cells, when they read right
KNOWN_SYMBOLS = [
    np.array([CHARSET.index(c) for text in line.values() for c in text]) for line in KNOWN_TEXT
]

# Each line's fixed columns as the image row numbers them, right way up and upside down.
_IMAGE_COLUMNS = {
    upside_down: [
        np.array([ROW_CHARS - 1 - c if upside_down else c for c in line]) for line in KNOWN_COLUMNS
    ]
    for upside_down in (False, True)
}


Flattened = tuple[NDArray[np.float64], NDArray[np.uint8]]


Grid = tuple[Numbered, Numbered, Numbered]
T = TypeVar("T")
Placement = tuple[tuple[int, int, int], bool]  # each image row's offset; upside down
NEIGHBOUR_STEPS = (-1, 1, -2, 2)  # columns a checked line's offset is moved, nearest first
REGAP_STEPS = (0, -1, 1, -2, 2)  # and with the line regapped


def likeliest_grid(
    gray: NDArray[np.uint8],
    rows: tuple[Row, Row, Row],
    grid: tuple[Numbered, Numbered, Numbered],
    row_step: float,
) -> tuple[NDArray[np.uint8], NDArray[np.float64], Placement]:
    """The rectified MRZ and its cell centres, for the orientation and column offsets whose
    fixed characters look most like themselves (see the module's docstring), and those."""
    _, flat, centres, placement = placed_grid(gray, rows, grid, row_step)
    return flat, centres, placement


def placed_grid(
    gray: NDArray[np.uint8],
    rows: tuple[Row, Row, Row],
    grid: tuple[Numbered, Numbered, Numbered],
    row_step: float,
) -> tuple[NDArray[np.float64], NDArray[np.uint8], NDArray[np.float64], Placement]:
    """`likeliest_grid` with the homography (photo to rectified MRZ) that gave it."""
    first = hypotheses(grid)[0]
    chosen: tuple[float, bool, dict[int, int], Flattened] | None = None
    for upside_down in (False, True):
        fit, known, matrix, flat = _oriented(gray, grid, row_step, first, upside_down)
        if chosen is None or fit > chosen[0]:
            chosen = (fit, upside_down, known, (matrix, flat))
        if fit > CLEAR_FIT:
            break  # the fixed characters are there: the other way up cannot beat that
    assert chosen is not None
    _, upside_down, known, (matrix, flat) = chosen
    offsets = completed(grid, known)
    if offsets == first:
        centres = column_centres(rows, matrix, MARGIN, row_step, upside_down)
        return matrix, flat, centres, (offsets, upside_down)
    return (*flattened(gray, rows, grid, row_step, (offsets, upside_down)), (offsets, upside_down))


def turned(gray: NDArray[np.uint8], grid: Grid, row_step: float, placement: Placement) -> Placement:
    """The placement the other way up, its offsets chosen by the fixed characters as
    `placed_grid` chooses them: glare over `IDMEX` and `MEX` can make the fixed characters
    fit a little better upside down (6 of the 136 unread level-3 development photos)."""
    upside_down = not placement[1]
    _, known, _, _ = _oriented(gray, grid, row_step, hypotheses(grid)[0], upside_down)
    return completed(grid, known), upside_down


def _oriented(
    gray: NDArray[np.uint8],
    grid: Grid,
    row_step: float,
    first: tuple[int, int, int],
    upside_down: bool,
) -> tuple[float, dict[int, int], NDArray[np.float64], NDArray[np.uint8]]:
    """`_line_offsets` on the block flattened with the offsets `first`, one way up, and the
    homography and flattened block."""
    matrix = grid_homography(grid, first, PITCH, row_step, MARGIN, upside_down)
    flat = rectify(gray, matrix, row_step)
    return (*_line_offsets(flat, grid, matrix, upside_down), matrix, flat)


def flattened(
    gray: NDArray[np.uint8],
    rows: tuple[Row, Row, Row],
    grid: tuple[Numbered, Numbered, Numbered],
    row_step: float,
    placement: Placement,
) -> tuple[NDArray[np.float64], NDArray[np.uint8], NDArray[np.float64]]:
    """The homography, rectified MRZ and cell centres of one placement of the grid."""
    offsets, upside_down = placement
    matrix = grid_homography(grid, offsets, PITCH, row_step, MARGIN, upside_down)
    flat = rectify(gray, matrix, row_step)
    return matrix, flat, column_centres(rows, matrix, MARGIN, row_step, upside_down)


def neighbours(grid: Grid, placement: Placement) -> list[tuple[Grid, Placement]]:
    """Grids with one of the first two lines moved a column or two, nearest first: whole
    (its offset), then across its widest gap (`columns.regapped`) with its offset moved
    by up to two columns.

    Glare that whitens `IDMEX` or `MEX`, or a run of characters, can let a line be numbered
    wrongly; every character of it is then read in the wrong column and its check digits
    fail. Only those two lines are moved: the check digits (each field's and the composite
    over both) then decide, and a read is accepted only if all of them hold. The names line
    has no check digit, so it stays as its ends put it."""
    offsets, upside_down = placement
    checked = (2, 1) if upside_down else (0, 1)  # image rows of the first two lines
    moved = []
    for variant, steps in ((0, NEIGHBOUR_STEPS), (-1, REGAP_STEPS), (1, REGAP_STEPS)):
        # Each line regapped once per variant, not once per step.
        lines = [(i, regapped(grid[i], variant) if variant else grid[i]) for i in checked]
        for step, (image_row, row) in product(steps, lines):
            offset = offsets[image_row] + step
            if row is not None and offset in offset_range(row):
                placed = (_replaced(offsets, image_row, offset), upside_down)
                moved.append((_replaced(grid, image_row, row), placed))
    return moved


def _replaced(items: tuple[T, T, T], index: int, value: T) -> tuple[T, T, T]:
    changed = list(items)
    changed[index] = value
    return changed[0], changed[1], changed[2]


def _line_offsets(
    flat: NDArray[np.uint8],
    grid: tuple[Numbered, Numbered, Numbered],
    matrix: NDArray[np.float64],
    upside_down: bool,
) -> tuple[float, dict[int, int]]:
    """For the first two lines, the offset (column of the image row's first blob) that fits
    their fixed characters best, keyed by image row, and how well they fit together."""
    centres, spans = [], []
    for line in range(len(KNOWN_COLUMNS)):
        image_row = 2 - line if upside_down else line
        row = grid[image_row]
        flat_points = cv2.perspectiveTransform(row.points[None, :, :], matrix)[0]
        (x_slope, x_start), (y_slope, y_start) = (
            (float(k) for k in line_fit(row.columns, flat_points[:, axis])) for axis in (0, 1)
        )
        image_columns = _IMAGE_COLUMNS[upside_down][line]
        for offset in offset_range(row):
            blob_columns = image_columns - offset  # numbered from the row's first blob
            # The lines at those columns, as np.polyval takes them.
            at = [x_slope * blob_columns + x_start, y_slope * blob_columns + y_start]
            centres.append(np.stack(at, axis=1))
            spans.append((line, image_row, offset))
    # Cut where the blobs are: no slip to try.
    found = scores(windows(flat, np.concatenate(centres)), slack=0)
    total, known, start = 0.0, {}, 0
    best: dict[int, tuple[float, int]] = {}
    for line, image_row, offset in spans:
        size = len(KNOWN_COLUMNS[line])
        part = found[start : start + size]
        symbols = KNOWN_SYMBOLS[line]
        fit = float((part[np.arange(size), symbols] - part.max(axis=1)).sum())
        start += size
        if image_row not in best or fit > best[image_row][0]:
            best[image_row] = (fit, offset)
    for image_row, (fit, offset) in best.items():
        total += fit
        known[image_row] = offset
    return total, known
