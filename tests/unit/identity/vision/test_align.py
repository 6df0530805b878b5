"""Cell centres follow a row's bend, not one glyph's lean."""

import numpy as np

from apoyo_identity.rules.mrz import CHARSET
from apoyo_identity.vision.align import NEIGHBOURS, _running_median, column_centres
from apoyo_identity.vision.cells import MARGIN
from apoyo_identity.vision.glyphs import PITCH, centre_fraction, ink_centres
from apoyo_identity.vision.locate import ROW_CHARS, Row

ROW_STEP = 27.0


def _row(line: int, xs: np.ndarray) -> Row:
    y = MARGIN + line * ROW_STEP
    centres = np.stack([xs, np.full(len(xs), y)], axis=1)
    return Row(centres[0], centres[-1], 16.0, len(xs), y, centres)


def _centres(xs: np.ndarray) -> np.ndarray:
    rows = (_row(0, xs), _row(1, xs), _row(2, xs))
    return column_centres(rows, np.eye(3), MARGIN, ROW_STEP, upside_down=False)


def test_a_glyph_leaning_off_its_cell_does_not_move_the_cell() -> None:
    grid = MARGIN + (np.arange(ROW_CHARS) + 0.5) * PITCH
    leaning = grid.copy()
    leaning[12] -= 0.3 * PITCH  # an L's ink sits left of its cell's centre
    found = _centres(leaning)
    assert np.allclose(found[:, :, 0], grid)


def test_a_bent_row_is_followed() -> None:
    grid = MARGIN + (np.arange(ROW_CHARS) + 0.5) * PITCH
    bent = grid + 3.0 * np.sin(np.linspace(0, np.pi, ROW_CHARS))  # up to 3 px in the middle
    found = _centres(bent)
    assert np.abs(found[0, :, 0] - bent).max() < 0.6  # the reader tries a pixel of shift


def test_the_digit_lines_are_cut_lower_than_their_blobs_ink_centres() -> None:
    # A digit's ink sits higher in its box than a letter's: the line through the blobs of
    # the two digit lines runs above their cells' centres; the names line's mix does not.
    digits = ink_centres()[[CHARSET.index(c) for c in "0123456789"]].mean()
    letters = ink_centres()[[CHARSET.index(c) for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ"]].mean()
    assert digits < centre_fraction() < letters
    grid = MARGIN + (np.arange(ROW_CHARS) + 0.5) * PITCH
    lowered = _centres(grid)[:, :, 1].mean(axis=1) - (MARGIN + np.arange(3) * ROW_STEP)
    assert lowered[0] > 0.4 and lowered[1] > 0.4  # canonical px, of an 18 px box
    assert abs(lowered[2]) < 0.1


def test_each_column_takes_the_median_of_the_blobs_around_it() -> None:
    rng = np.random.default_rng(5)
    for count in (1, 2, 5, 7, 30):
        values = rng.normal(0, 3, count)
        padded = np.pad(values, NEIGHBOURS, constant_values=np.nan)
        around = np.lib.stride_tricks.sliding_window_view(padded, 2 * NEIGHBOURS + 1)
        assert np.array_equal(_running_median(values), np.nanmedian(around, axis=1))


def test_a_row_bent_where_its_blobs_are_is_held_level_past_them() -> None:
    # Glare took a line's last 12 characters: a parabola through the 18 blobs left, bent
    # a little, went several px astray over the 12 columns without blobs.
    grid = MARGIN + (np.arange(ROW_CHARS) + 0.5) * PITCH
    y = MARGIN + 0.6 * np.sin(np.linspace(0, np.pi, 18))  # up to 0.6 px over the blobs
    short = Row(
        np.array([grid[0], y[0]]),
        np.array([grid[17], y[17]]),
        16.0,
        18,
        MARGIN,
        np.stack([grid[:18], y], axis=1),
    )
    rows = (short, _row(1, grid), _row(2, grid))
    found = column_centres(rows, np.eye(3), MARGIN, ROW_STEP, upside_down=False)[0, :, 1]
    assert np.ptp(found[17:]) < 1e-9  # level past the last blob, not 3 px below it
