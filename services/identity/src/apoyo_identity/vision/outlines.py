"""A third opinion on sex and name letters that glare turns into one another.

The classifier and both checking networks learn from the same degraded renders and slip
alike where glare adds or takes one stroke (docs/identity.md, "A third opinion from the
glyphs' outlines"). Plain template correlation, which the classifier replaced because it
weighs every pixel alike, slips elsewhere, but mostly alike too: of nine wrong level-3 name
letters it preferred the right one in two, an I read as Z and an R read as B, and right
letters of most pairs (O against D or Q, E against F) it doubts by the dozen. So it is
asked of a Z alone: the cell, correlated (zero mean, unit length, the best of its slack of
shifts) with the OCR-B glyphs of Z and I drawn at the cells' canonical size and blurred as a
level-3 photo blurs them, is refused where the I matches better by the margin. It only
refuses: it never reads.
"""

from functools import lru_cache

import cv2
import numpy as np
from numpy.typing import NDArray

from apoyo_identity.rules.mrz import CHARSET
from apoyo_identity.vision.glyphs import PITCH, box_height, rendered

BLUR = 1.2  # canonical px: the glyphs blurred about as much as level-3 cells are
# A letter read (key) that the other glyph (value[0]) matches better than the read's own by
# more than value[1] in correlation is refused: right Z's, 1,990 on fresh level-3 photos,
# were at worst 0.016 behind the I; the I read as Z, 0.024. An R at 0.1 against a B read
# (0.128 for the wrong one) cost a right B 0.141 behind (docs/identity.md); not kept.
LOOKALIKES: dict[str, tuple[str, float]] = {"Z": ("I", 0.02)}


@lru_cache(maxsize=1)
def _glyphs() -> NDArray[np.float32]:
    """(37, box · PITCH) the glyphs at the cells' canonical size, blurred, zero mean and
    unit length."""
    drawn = rendered().astype(np.float32) / 255.0
    size = (PITCH, box_height())
    small = np.stack(
        [
            cv2.GaussianBlur(cv2.resize(g, size, interpolation=cv2.INTER_AREA), (0, 0), BLUR)
            for g in drawn
        ]
    ).reshape(len(drawn), -1)
    small -= small.mean(axis=1, keepdims=True)
    return np.asarray(small / np.linalg.norm(small, axis=1, keepdims=True), np.float32)


def correlations(cell: NDArray[np.float32], symbols: str) -> NDArray[np.float32]:
    """The best correlation of one cell window, over its (2·SHIFT + 1)² shifts, with each of
    `symbols`' glyphs."""
    box = box_height()
    views = np.lib.stride_tricks.sliding_window_view(cell, (box, PITCH)).reshape(-1, box * PITCH)
    views = views - views.mean(axis=1, keepdims=True)
    views /= np.maximum(np.linalg.norm(views, axis=1, keepdims=True), 1e-6)
    glyphs = _glyphs()[[CHARSET.index(s) for s in symbols]]
    return np.asarray((views @ glyphs.T).max(axis=0), np.float32)


def outline_doubted(
    cells: NDArray[np.float32], chars: str, positions: tuple[int, ...]
) -> list[int]:
    """Those of `positions` whose letter the other glyph of its `LOOKALIKES` pair matches
    better by more than the pair's margin."""
    doubted = []
    for position in positions:
        letter = chars[position]
        if letter not in LOOKALIKES:
            continue
        other, margin = LOOKALIKES[letter]
        mine, theirs = correlations(cells[position], letter + other)
        if theirs - mine > margin:
            doubted.append(position)
    return doubted
