"""The third opinion from the glyphs' outlines: it doubts a Z that is an I, not a Z."""

import numpy as np

from apoyo_identity.rules.mrz import CHARSET
from apoyo_identity.vision.outlines import outline_doubted
from apoyo_identity.vision.training_cells import training_set


def _doubted_share(cells: np.ndarray, read_as: str) -> float:
    positions = tuple(range(len(cells)))
    return len(outline_doubted(cells, read_as * len(cells), positions)) / len(cells)


def test_an_i_read_as_z_is_doubted_a_z_not() -> None:
    cells, labels = training_set(6, seed=11)
    zeds, ies = cells[labels == CHARSET.index("Z")], cells[labels == CHARSET.index("I")]
    assert len(zeds) and len(ies)
    assert _doubted_share(zeds, "Z") <= 0.1
    assert _doubted_share(ies, "Z") >= 0.8


def test_letters_outside_the_pairs_are_never_doubted() -> None:
    cells, _ = training_set(1, seed=11)
    assert outline_doubted(cells[:4], "OQDB", (0, 1, 2, 3)) == []
