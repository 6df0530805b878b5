"""Cutting the MRZ's cells: where the centres say, to the fraction of a pixel."""

import numpy as np
from numpy.typing import NDArray

from apoyo_identity.vision.cells import SHIFT, contrast, cut, levelled, windows
from apoyo_identity.vision.glyphs import PITCH, box_height, centre_fraction


def _ramp() -> NDArray[np.uint8]:
    """A flat image whose grey falls by one level per pixel to the right."""
    return np.asarray(np.tile(np.arange(200, 40, -1, dtype=np.uint8), (80, 1)), np.uint8)


def _cell_at(x: float, y: float) -> NDArray[np.float32]:
    return np.asarray(windows(_ramp(), np.array([[[x, y]]]))[0], np.float32)


def test_a_cell_is_the_ink_around_its_centre() -> None:
    cell = _cell_at(60.0, 40.0)
    assert cell.shape == (box_height() + 2 * SHIFT, PITCH + 2 * SHIFT)
    left = round(60.0 - PITCH / 2) - SHIFT
    assert np.allclose(cell[0], 1 - (200 - np.arange(left, left + cell.shape[1])) / 255)


def test_half_a_pixel_over_is_half_way_between_two_whole_cuts() -> None:
    between = _cell_at(60.5, 40.0)
    assert np.allclose(between, (_cell_at(60.0, 40.0) + _cell_at(61.0, 40.0)) / 2, atol=1e-3)
    assert not np.allclose(between, _cell_at(60.0, 40.0), atol=1e-3)


def test_a_centre_past_the_edge_takes_the_edge_pixels() -> None:
    cell = _cell_at(-30.0, 40.0 + centre_fraction())
    assert np.allclose(cell, 1 - 200 / 255)


def _strokes(ink: float, paper: float) -> NDArray[np.uint8]:
    """Vertical strokes two pixels wide every eight, of grey `ink` on `paper`."""
    flat = np.full((80, 200), paper, np.float32)
    flat[:, ::8] = ink
    flat[:, 1::8] = ink
    return np.asarray(flat, np.uint8)


def test_levelling_restores_ink_that_glare_lifted() -> None:
    glared = levelled(_strokes(190, 255))  # glare: paper clipped at white, ink lifted
    plain = levelled(_strokes(40, 230))
    middle = (slice(20, 60), slice(40, 160))
    assert np.abs(glared[middle].astype(int) - plain[middle]).max() <= 2
    assert glared[middle].min() == 0 and glared[middle].max() == 255


def test_cut_keeps_the_contrast_as_photographed() -> None:
    flat = _strokes(40, 230)
    flat[:, 100:] = _strokes(190, 255)[:, 100:]  # the right half under glare
    centres = np.array([[[50.0, 40.0], [146.0, 40.0]]])  # twelve strokes apart
    cells, spread = cut(flat, centres)
    assert np.allclose(spread, contrast(windows(flat, centres)))
    assert spread[1] < 0.5 * spread[0]
    assert np.allclose(cells[0], cells[1], atol=0.02)


def test_a_shadow_leaves_the_contrast_glare_takes_it() -> None:
    """A shadow dims paper and ink alike: the cell keeps its depth below its own paper. Glare
    adds light: the paper clips at white and the ink lifts towards it."""
    plain, shadowed, glared = _strokes(40, 230), _strokes(20, 115), _strokes(190, 255)
    flat = np.hstack([plain, plain, shadowed, glared])  # most of the MRZ plain
    xs = [50.0, 100.0, 150.0, 250.0, 300.0, 450.0, 650.0]
    found = contrast(windows(flat, np.array([[[x, 40.0] for x in xs]])))
    assert np.allclose(found[:5], 1.0, atol=0.05)
    shadow, glare = found[5:]
    assert shadow > 0.9
    assert glare < 0.5
