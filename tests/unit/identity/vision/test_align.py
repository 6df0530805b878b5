"""Cell centres follow a row's bend, not one glyph's lean."""

import numpy as np

from apoyo_identity.vision.align import column_centres
from apoyo_identity.vision.cells import MARGIN
from apoyo_identity.vision.glyphs import PITCH
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
