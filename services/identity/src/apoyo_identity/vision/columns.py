"""Which column each character blob of the three MRZ rows stands in, and the grid they give.

A row's first and last blobs are not always its first and last characters: glare or shadow
takes characters off a line's ends, and a pitch taken from the row's span then misjudges
every column between. Here each row's pitch is its blobs' own spacing, so its blobs are
numbered column by column whatever is missing at the ends; what stays unknown is the column
of each row's first blob. All three lines hold 30 symbols and are evenly spaced, so the
offsets that put the rows' column 0 (and column 29) on one evenly spaced line across the
block are the likely ones; `hypotheses` lists those, best first, for the reader to settle
with the characters it knows (`IDMEX`, `MEX`). The homography is then fitted on every blob,
not four end points, so one misplaced end does not shear the whole grid.
"""

from dataclasses import dataclass

import cv2
import numpy as np
from numpy.typing import NDArray

from apoyo_identity.vision.locate import ROW_CHARS, Row
from apoyo_identity.vision.small_arrays import line_fit, median, parabola_fit

SQUARE = 0.3  # pitches: how far from a whole column a blob may stand and still be counted
TOLERANCE = 0.45  # pitches: offsets whose ends line up this much worse than the best are dropped
MAX_HYPOTHESES = 4
PITCH_FITS = 3  # rounds of fitting the pitch along a row to the steps that look single
STRAY_COST = 1.0  # pitches of bend per column an offset takes a line past its blobs


@dataclass(frozen=True)
class Numbered:
    """A row's blobs (N, 2), their column counted from the first blob, and a fit of where
    along the row (image pixels from `origin`, along `unit`) each column lies."""

    points: NDArray[np.float64]
    columns: NDArray[np.int64]
    origin: NDArray[np.float64]
    unit: NDArray[np.float64]
    along: np.poly1d

    @property
    def span(self) -> int:
        return int(self.columns[-1])

    def at(self, column: float) -> NDArray[np.float64]:
        return np.asarray(self.origin + float(self.along(column)) * self.unit, np.float64)


def numbered(row: Row) -> Numbered | None:
    """The row's blobs numbered by column from its own spacing, or None if too few.

    Blobs are counted from the first in steps of the row's pitch, each step from the last
    blob that stood squarely in a column: two characters run together make one blob half
    way between columns, and a character broken by glare two close ones; such blobs say
    nothing sure about their column and are left out. The column positions are then fitted
    (perspective changes the pitch along a row) and every blob numbered again on the fit.
    """
    unit = (row.end - row.start) / max(float(np.linalg.norm(row.end - row.start)), 1e-6)
    along = (row.centres - row.start) @ unit
    order = np.argsort(along)
    along, points = along[order], row.centres[order]
    steps = np.diff(along)
    if len(steps) < 8:
        return None
    in_pitches = _in_pitches(along, steps)
    first = _first_in_phase(in_pitches)
    counted = _counted([float(u) for u in in_pitches[first:]])
    columns = np.asarray([-1] * first + counted, np.int64)
    kept = columns >= 0
    if np.count_nonzero(kept) < 8:
        return None
    # Coefficients evaluated as they are: a np.poly1d costs more to make than to use here.
    fit = parabola_fit(columns[kept], along[kept])
    guess = columns[kept][0] + in_pitches - in_pitches[kept][0]
    # The fit and its slope at each guess, by Horner's steps as np.polyval takes them.
    a, b, c = (float(k) for k in fit)
    exact = guess + (along - ((a * guess + b) * guess + c)) / (2 * a * guess + b)
    columns = np.round(exact).astype(np.int64)
    square = np.abs(exact - columns) <= SQUARE
    columns, along = columns[square] - columns[square].min(), along[square]
    # Two blobs in one column: a set, not np.unique, which imports np.ma on every call.
    if len(columns) < 8 or len(set(columns.tolist())) < len(columns):
        return None
    return Numbered(
        points[square], columns, row.start, unit, np.poly1d(parabola_fit(columns, along))
    )


def _in_pitches(along: NDArray[np.float64], steps: NDArray[np.float64]) -> NDArray[np.float64]:
    """Where the blobs stand along the row in pitches from the first, the pitch following the
    perspective: a line fitted to the steps that look single against where they are. At
    level 3 the pitch grew from 12 to 18.5 px along one row of a development photo: counted
    in its mean, two characters run together (1.5 pitches where the pitch is 12) passed for
    one step (docs/identity.md)."""
    mean = np.add.reduce(along) / len(along)  # along.mean(), without its wrapper
    middle = (along[:-1] + along[1:]) / 2 - mean
    slope, pitch = 0.0, median(steps)
    for _ in range(PITCH_FITS):
        single = np.abs(steps / (pitch + slope * middle) - 1) < 0.25
        if np.count_nonzero(single) < 8:  # too few to fit a slope: their mean, as before
            slope, pitch = 0.0, float(steps[single].mean()) if single.any() else pitch
            break
        slope, pitch = (float(c) for c in line_fit(middle[single], steps[single]))
    first, last = pitch + slope * (along[[0, -1]] - mean)
    if abs(slope) < 1e-9 or min(first, last) <= 0:
        return np.asarray((along - along[0]) / pitch, np.float64)
    # The integral of 1 / pitch from the first blob, the pitch linear in the position.
    return np.asarray(np.log1p(slope * (along - along[0]) / first) / slope, np.float64)


def _first_in_phase(in_pitches: NDArray[np.float64]) -> int:
    """The first blob standing where most blobs stand between whole pitches: counted from a
    blob off the grid (clutter at a row's end, two characters run together), every later
    blob fell between columns and the row could not be numbered."""
    turns = 2 * np.pi * in_pitches
    count = len(turns)  # the means by np.add.reduce, what .mean() sums with
    phase = np.arctan2(
        np.add.reduce(np.sin(turns)) / count, np.add.reduce(np.cos(turns)) / count
    ) / (2 * np.pi)
    off = in_pitches - phase
    return int(np.argmax(np.abs(off - np.round(off)) <= SQUARE))


def _counted(steps_along: list[float]) -> list[int]:
    """Columns of positions given in pitches, counted from the first; -1 for those between
    columns."""
    columns, anchor = [0], 0
    for index in range(1, len(steps_along)):
        step = steps_along[index] - steps_along[anchor]
        whole = round(step)
        if abs(step - whole) <= SQUARE and whole >= 1:
            columns.append(columns[anchor] + whole)
            anchor = index
        else:
            columns.append(-1)
    return columns


def offset_range(row: Numbered) -> range:
    """Where the row's first blob may stand: its blobs must fit in the 30 columns (or, past
    30, clutter beyond an end is cut), unless a blob at an end stands two columns or more
    apart from the next: it may be a mark past the line's end (a speck on the card, the
    edge of the photo), and the line may start or end at the blob after it. Such offsets
    cost `_bends` STRAY_COST pitches a column."""
    low, high = _fitting(row)
    columns = row.columns
    if len(columns) > 2 and columns[1] - columns[0] >= 2:
        low = min(low, -int(columns[1]))
    if len(columns) > 2 and columns[-1] - columns[-2] >= 2:
        high = max(high, ROW_CHARS - 1 - int(columns[-2]))
    return range(low, high + 1)


def _fitting(row: Numbered) -> tuple[int, int]:
    """The first and last offset that keep every blob of the row in the 30 columns (past
    30, those that cut only clutter beyond the ends)."""
    room = ROW_CHARS - 1 - row.span
    return min(0, room), max(0, room)


def _strays(row: Numbered, shifts: NDArray[np.float64]) -> NDArray[np.float64]:
    """How many columns each offset lies past those `_fitting` allows."""
    low, high = _fitting(row)
    return np.asarray(np.maximum(low - shifts, 0) + np.maximum(shifts - high, 0), np.float64)


def _bends(
    rows: tuple[Numbered, Numbered, Numbered], ranges: list[range]
) -> tuple[NDArray[np.float64], NDArray[np.int64]]:
    """For every combination of offsets from `ranges` (K, 3), how far the rows' column 0
    and column 29 are from three evenly spaced points on a line, in pixels (K,), plus
    STRAY_COST pitches for each column an offset reaches past the blobs (`offset_range`):
    a shear of the whole block keeps the ends evenly spaced, so a mark before a line could
    otherwise tilt every column."""
    ends, strays = [], []
    for row, offsets in zip(rows, ranges, strict=True):
        shifts = np.arange(offsets.start, offsets.stop, offsets.step, dtype=np.float64)
        # Both ends' columns in one evaluation of the fit (np.poly1d's call is np.polyval).
        both = np.polyval(row.along.coeffs, np.concatenate((-shifts, ROW_CHARS - 1 - shifts)))
        along = both.reshape(2, -1).T
        ends.append(row.origin + along[:, :, None] * row.unit)  # (offsets, 2 ends, 2)
        pitch = (both[len(shifts) :] - both[: len(shifts)]) / (ROW_CHARS - 1)
        strays.append(STRAY_COST * pitch * _strays(row, shifts))
    a, b, c = np.indices([len(r) for r in ranges]).reshape(3, -1)  # every combination
    gap = ends[0][a] - 2 * ends[1][b] + ends[2][c]
    bend = np.sqrt(np.add.reduce(gap * gap, axis=2)).sum(axis=1)  # np.linalg.norm's sum
    bend += strays[0][a] + strays[1][b] + strays[2][c]
    chosen = np.stack([r.start + r.step * i for r, i in zip(ranges, (a, b, c), strict=True)], 1)
    return bend, chosen


def completed(
    rows: tuple[Numbered, Numbered, Numbered], known: dict[int, int]
) -> tuple[int, int, int]:
    """The offsets of all three rows, given those of some: the rest line the ends up best."""
    ranges = [
        range(known[r], known[r] + 1) if r in known else offset_range(row)
        for r, row in enumerate(rows)
    ]
    bend, offsets = _bends(rows, ranges)
    best = offsets[int(np.argmin(bend))]
    return int(best[0]), int(best[1]), int(best[2])


def hypotheses(rows: tuple[Numbered, Numbered, Numbered]) -> list[tuple[int, int, int]]:
    """Column offsets of each row's first blob, likeliest first: those that put the rows'
    ends evenly spaced on one line, within TOLERANCE pitches of the best."""
    slopes = [_slope(r.along.coeffs, r.span / 2) for r in rows]
    pitch = (slopes[0] + slopes[1] + slopes[2]) / 3  # np.mean's sum, in order
    bend, offsets = _bends(rows, [offset_range(r) for r in rows])
    cost = bend / max(pitch, 1e-6)
    order = np.argsort(cost, kind="stable")
    keep = [k for k in order if cost[k] <= cost[order[0]] + TOLERANCE][:MAX_HYPOTHESES]
    return [(int(offsets[k][0]), int(offsets[k][1]), int(offsets[k][2])) for k in keep]


def _slope(coeffs: NDArray[np.float64], x: float) -> float:
    """`np.polyval(np.polyder(coeffs), x)`: a parabola's by the same steps (2a·x + b),
    another's by numpy (np.poly1d drops a leading zero)."""
    if len(coeffs) == 3:
        return 2 * float(coeffs[0]) * x + float(coeffs[1])
    return float(np.polyval(np.polyder(coeffs), x))


def grid_homography(
    rows: tuple[Numbered, Numbered, Numbered],
    offsets: tuple[int, int, int],
    pitch: int,
    row_step: float,
    margin: int,
    upside_down: bool,
) -> NDArray[np.float64]:
    """Image → canonical grid (as `locate.homography`), fitted on every blob in its column;
    blobs that fall outside the 30 columns are left out."""
    src, dst = [], []
    for r, (row, offset) in enumerate(zip(rows, offsets, strict=True)):
        columns = row.columns + offset
        inside = (columns >= 0) & (columns < ROW_CHARS)
        line = 2 - r if upside_down else r
        cols = ROW_CHARS - 1 - columns[inside] if upside_down else columns[inside]
        src.append(row.points[inside])
        dst.append(
            np.stack(
                [margin + (cols + 0.5) * pitch, np.full(len(cols), margin + line * row_step)], 1
            )
        )
    matrix, _ = cv2.findHomography(np.concatenate(src), np.concatenate(dst), 0)
    return np.asarray(matrix, dtype=np.float64)


def regapped(row: Numbered, step: int) -> Numbered | None:
    """The row with the blobs after its widest gap moved `step` columns, or None if it has no
    gap that stays open: across a run of characters lost to glare, a pitch a little off can
    count one column too many or too few."""
    gaps = np.diff(row.columns)
    widest = int(np.argmax(gaps))
    if gaps[widest] < 2 or gaps[widest] + step < 1:
        return None
    columns = row.columns.copy()
    columns[widest + 1 :] += step
    along = (row.points - row.origin) @ row.unit
    fit = np.poly1d(parabola_fit(columns, along))
    return Numbered(row.points, columns, row.origin, row.unit, fit)
