"""Numbering a row's blobs by column, and the offsets that line three rows up."""

import numpy as np
from numpy.typing import NDArray

from apoyo_identity.vision.columns import (
    completed,
    hypotheses,
    numbered,
    offset_range,
    regapped,
)
from apoyo_identity.vision.locate import Row

PITCH, ROW_STEP = 15.0, 25.0


def _row(centres: NDArray[np.float64]) -> Row:
    return Row(centres[0], centres[-1], 14.0, len(centres), float(centres[:, 1].mean()), centres)


def _line(line: int, columns: range | list[int], shear: float = 0.1) -> NDArray[np.float64]:
    """Blob centres of the given columns of one MRZ line, slightly sheared like a tilt."""
    y = 100.0 + line * ROW_STEP
    return np.array([[40.0 + c * PITCH + shear * (y - 100), y] for c in columns])


def test_blobs_are_numbered_by_column_across_a_gap_and_run_together_characters() -> None:
    centres = _line(0, range(30))
    merged = (centres[10] + centres[11]) / 2  # two characters run into one blob
    kept = [c for k, c in enumerate(centres) if k not in (5, 10, 11)]  # 5 lost to glare
    row = numbered(_row(np.vstack([kept[:8], [merged], kept[8:]])))
    assert row is not None
    assert row.columns.tolist() == [c for c in range(30) if c not in (5, 10, 11)]
    assert abs(row.along(29) - row.along(0) - 29 * PITCH) < 0.5


def test_a_line_that_lost_its_first_characters_is_put_back_on_its_columns() -> None:
    rows = [_row(_line(0, range(2, 30))), _row(_line(1, range(30))), _row(_line(2, range(30)))]
    grid = tuple(numbered(r) for r in rows)
    assert all(g is not None for g in grid)
    assert hypotheses(grid)[0] == (2, 0, 0)  # type: ignore[arg-type]
    # The names line has no fixed character: its offset comes from the other two.
    short_names = (grid[0], grid[1], numbered(_row(_line(2, range(3, 27)))))
    assert completed(short_names, {0: 2, 1: 0}) == (2, 0, 3)  # type: ignore[arg-type]


def test_a_line_is_regapped_only_where_characters_are_missing() -> None:
    gapped = numbered(_row(_line(0, [c for c in range(30) if c not in (3, 4, 5, 6)])))
    assert gapped is not None
    fewer = regapped(gapped, -1)
    assert fewer is not None
    assert fewer.columns.tolist() == [0, 1, 2, *range(6, 29)]
    assert regapped(gapped, -5) is None  # the gap would close
    whole = numbered(_row(_line(0, range(30))))
    assert whole is not None and regapped(whole, 1) is None


def _foreshortened(first_pitch: float, last_pitch: float) -> NDArray[np.float64]:
    """Centres of a 30-character line whose pitch grows steadily along it (perspective)."""
    pitches = np.linspace(first_pitch, last_pitch, 29)
    x = 40.0 + np.concatenate([[0.0], np.cumsum(pitches)])
    return np.stack([x, np.full(30, 100.0)], axis=1)


def test_a_foreshortened_row_is_counted_in_its_own_pitch_at_each_place() -> None:
    # A level-3 development photo's row: the pitch grew from 12 to 18.5 px. In the row's mean
    # pitch (about 15), two characters run together at the narrow end (18 px from the last)
    # passed for one step and every later column was one short.
    centres = _foreshortened(12.0, 18.5)
    merged = (centres[1] + centres[2]) / 2
    kept = np.vstack([centres[0], merged, centres[3:5], centres[6:]])  # 5 lost to glare
    row = numbered(_row(kept))
    assert row is not None
    assert row.columns.tolist() == [0, *range(3, 5), *range(6, 30)]


def test_a_blob_off_the_grid_before_the_row_does_not_leave_it_unnumbered() -> None:
    centres = _line(0, range(30))
    clutter = centres[0] - [2.6 * PITCH, 0.0]  # a mark on the card before the line
    row = numbered(_row(np.vstack([clutter, centres])))
    assert row is not None
    line = row.columns[np.isin(row.points[:, 0], centres[:, 0])]
    assert np.diff(line).tolist() == [1] * 29


def test_a_mark_before_a_line_is_left_out_of_its_columns() -> None:
    # A speck three columns before the names line, whose last filler glare took: the row
    # spans 31 columns, and only offsets past those that keep every blob in the 30 columns
    # put the line where the other two put it (a level-3 development photo read no line).
    names = _line(2, [-3, *range(29)])
    rows = [_row(_line(0, range(30))), _row(_line(1, range(30))), _row(names)]
    grid = tuple(numbered(r) for r in rows)
    assert all(g is not None for g in grid)
    assert grid[2].columns.tolist() == [0, *range(3, 32)]  # type: ignore[union-attr]
    assert offset_range(grid[2]).start == -3  # type: ignore[arg-type]
    assert hypotheses(grid)[0] == (0, 0, -3)  # type: ignore[arg-type]


def test_a_first_blob_apart_does_not_shear_the_block() -> None:
    # `IDMEX` with D and M lost: the I may be a mark, but moving line 1 a column right and
    # the names line a column left keeps the ends evenly spaced too (a shear); the offsets
    # that keep every blob win.
    rows = [
        _row(_line(0, [0, *range(3, 30)])),
        _row(_line(1, range(30))),
        _row(_line(2, range(28))),
    ]
    grid = tuple(numbered(r) for r in rows)
    assert all(g is not None for g in grid)
    assert offset_range(grid[0]).start == -3  # type: ignore[arg-type]
    assert hypotheses(grid) == [(0, 0, 0)]  # type: ignore[arg-type]
    assert completed(grid, {1: 0}) == (0, 0, 0)  # type: ignore[arg-type]
