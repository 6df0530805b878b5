"""The text rows' ink, and their neighbour search: sorted by y, it must still see every
neighbour."""

import cv2
import numpy as np
import pytest

from apoyo_identity.vision.components import TEXT_BLOCK, TEXT_OFFSET, darker_than_around
from apoyo_identity.vision.text_rows import _candidates

Floats = np.ndarray


def neighbour_pairs(cx: Floats, cy: Floats, w: Floats, h: Floats) -> set[tuple[int, int]]:
    """Every pair that meets text_boxes' row test, found by comparing all pairs."""
    found = set()
    for i in range(len(cx)):
        for j in range(len(cx)):
            across = abs(cx[i] - cx[j])
            gap = across - (w[i] + w[j]) / 2
            ratio = h[i] / h[j]
            in_row = abs(cy[i] - cy[j]) < 0.25 * h[i] + 0.5 * across
            if i != j and in_row and -0.2 * h[i] < gap < h[i] and 0.75 < ratio < 1.33:
                found.add((i, j))
    return found


def test_the_candidates_hold_every_pair_close_enough_to_be_neighbours() -> None:
    rng = np.random.default_rng(7)
    kept = 0
    for _ in range(20):
        h = rng.integers(3, 61, 150).astype(np.float64)
        w = np.minimum(rng.uniform(0.3, 6, 150) * h, 6 * h).round()  # as _character_like keeps
        cx = rng.uniform(0, 640, 150).round() + w / 2
        cy = rng.uniform(0, 160, 150).round() + h / 2
        i, j = _candidates(cy, 0.25 * h + 0.5 * (5 * h + w / 2))
        pairs = set(zip(i.tolist(), j.tolist(), strict=True))
        neighbours = neighbour_pairs(cx, cy, w, h)
        assert neighbours <= pairs
        kept += len(neighbours)
        assert len(pairs) == len(i)  # no pair twice
        assert all(a != b for a, b in pairs)
        assert len(pairs) < 150 * 149  # and far from every pair
    assert kept > 200  # the rows are crowded enough for the test to mean something


@pytest.mark.parametrize("shape", [(480, 640), (97, 131), (15, 15), (7, 300)])
@pytest.mark.parametrize(
    ("block", "offset", "value"), [(TEXT_BLOCK, TEXT_OFFSET, 1), (17, 10, 255), (35, 10, 255)]
)
def test_the_ink_is_opencvs_adaptive_threshold(
    shape: tuple[int, int], block: int, offset: int, value: int
) -> None:
    """The text rows' ink (15, 20, 1) and the MRZ reader's (its block from the side, 10, 255)."""
    rng = np.random.default_rng(shape[0])
    gray = rng.integers(0, 256, shape, np.uint8)
    gray[: shape[0] // 3] //= 16  # dark, bright and mixed parts, at the border too
    gray[-shape[0] // 3 :] |= 0xF0
    expected = cv2.adaptiveThreshold(
        gray, value, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, block, offset
    )
    assert np.array_equal(darker_than_around(gray, block, offset, value), expected)
