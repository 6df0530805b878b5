"""The placements tried when the likeliest grid's check digits fail."""

import numpy as np
from numpy.typing import NDArray

from apoyo_identity.vision.columns import Numbered, numbered
from apoyo_identity.vision.grid import Grid, Placement, neighbours
from apoyo_identity.vision.locate import Row

PITCH, ROW_STEP = 15.0, 25.0


def _numbered(line: int, columns: range) -> Numbered:
    y = 100.0 + line * ROW_STEP
    centres = np.array([[40.0 + c * PITCH, y] for c in columns])
    row = numbered(Row(centres[0], centres[-1], 14.0, len(centres), y, centres))
    assert row is not None
    return row


def _grid() -> Grid:
    # The first line lost its first four characters (offsets 0-4 fit), the second its last
    # one (0-1), the names line its first and last three (0-6).
    return _numbered(0, range(4, 30)), _numbered(1, range(29)), _numbered(2, range(3, 27))


def _offsets(moved: list[tuple[Grid, Placement]]) -> NDArray[np.int64]:
    return np.array([offsets for _, (offsets, _) in moved])


def test_only_the_checked_lines_move_a_column_or_two_nearest_first() -> None:
    grid = _grid()
    moved = neighbours(grid, ((2, 0, 3), False))
    whole = [placement for moved_grid, placement in moved if moved_grid == grid]
    assert [offsets for offsets, _ in whole] == [
        (1, 0, 3),
        (3, 0, 3),
        (2, 1, 3),
        (0, 0, 3),
        (4, 0, 3),
    ]
    assert all(not upside_down for _, (_, upside_down) in moved)
    assert all(moved_grid[2] is grid[2] for moved_grid, _ in moved)  # the names line stays


def test_upside_down_the_checked_lines_are_the_last_two_image_rows() -> None:
    grid = _grid()
    moved = _offsets(neighbours((grid[2], grid[1], grid[0]), ((3, 0, 2), True)))
    assert (moved[:, 0] == 3).all()  # the names line, first in the image, stays
    assert {tuple(o) for o in moved} == {(3, 1, 2), (3, 0, 1), (3, 0, 3), (3, 0, 0), (3, 0, 4)}
