"""The third opinion from the glyphs' outlines: it doubts a Z that is an I, not a Z."""

import numpy as np

from apoyo_identity.rules.mrz import CHARSET
from apoyo_identity.vision.outlines import LOOKALIKES, outline_doubted
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


def test_only_the_letters_lookalikes_names_are_asked() -> None:
    """What this guards is `outline_doubted`'s dispatch, not the correlation: a letter without
    a `LOOKALIKES` entry is never doubted, whatever cell it was read from (here cells of every
    symbol, read as each such letter in turn). While the table names Z alone that holds by
    construction; it fails if the check is widened to letters without a margin of their own.
    The correlation itself is tested on the one pair there is, above."""
    cells, labels = training_set(6, seed=11)
    assert len(set(labels.tolist())) == len(CHARSET)  # every symbol's cells are there
    positions = tuple(range(len(cells)))
    for read_as in sorted(set(CHARSET) - set(LOOKALIKES)):
        assert outline_doubted(cells, read_as * len(cells), positions) == [], read_as
