"""Settle look-alike symbols (O/Q, 0/O, E/F, C/G, 8/B…) by the pixels where they differ.

Whole-cell correlation barely moves when only a tail or a bar tells two symbols apart, and
the name line has no check digit to correct a slip. For two close candidates, the cell is
compared with each template only where the two templates differ.
"""

from functools import lru_cache

import numpy as np
from numpy.typing import NDArray

from apoyo_identity.rules.mrz import CHARSET
from apoyo_identity.vision.cells import Matches
from apoyo_identity.vision.glyphs import templates

CLOSE = 0.12  # scores nearer than this are worth a second look
WEIGHT = 0.15


@lru_cache(maxsize=1)
def similar_pairs() -> frozenset[tuple[int, int]]:
    bank = templates()[1].reshape(templates().shape[1], -1)
    z = bank - bank.mean(axis=1, keepdims=True)
    z /= np.linalg.norm(z, axis=1, keepdims=True)
    corr = z @ z.T
    a, b = np.nonzero(np.triu(corr > 0.55, k=1))
    return frozenset(zip(a.tolist(), b.tolist(), strict=True))


@lru_cache(maxsize=1)
def lookalikes() -> frozenset[str]:
    """The similar pairs as sorted two-letter strings, for the decoder."""
    return frozenset("".join(sorted(CHARSET[a] + CHARSET[b])) for a, b in similar_pairs())


def _evidence(found: Matches, cell: int, a: int, b: int) -> float:
    """Positive when the cell, aligned to each symbol in turn, fits `a` better than `b`
    where the two differ."""
    ta, tb = found.templates[cell, a], found.templates[cell, b]
    differ = np.abs(ta - tb)
    mask = differ > 0.35 * differ.max()
    da = float(((found.views[cell, a] - ta) ** 2)[mask].mean())
    db = float(((found.views[cell, b] - tb) ** 2)[mask].mean())
    return (db - da) / max(da + db, 1e-6)


def sharpen(found: Matches) -> NDArray[np.float32]:
    scores = found.scores.copy()
    pairs = similar_pairs()
    for cell in range(scores.shape[0]):
        top = float(found.scores[cell].max())
        near = np.nonzero(found.scores[cell] > top - CLOSE)[0]
        for i, a in enumerate(near):
            for b in near[i + 1 :]:
                if (min(a, b), max(a, b)) in pairs:
                    shift = WEIGHT * _evidence(found, cell, int(a), int(b))
                    scores[cell, a] += shift
                    scores[cell, b] -= shift
    return scores
