"""Printed characters lined up in rows: where a picture's legible text is, and how tall.

The evidence checks need the card's text without reading it: its height says whether the
card is too small to read, and its extent is the card area that the screen check inspects.
A desk is full of decoys (ruled papers, pens, wood grain), so a dark blob counts as a
character only if it is shaped like one and has similar blobs beside it on the same row.
"""

from typing import Any

import numpy as np
from numpy.typing import NDArray

from apoyo_identity.vision.components import Inked, text_ink


def _inertia(
    ink: NDArray[np.uint8],
    labels: NDArray[np.integer[Any]],
    wanted: NDArray[np.bool_],
    centroids: NDArray[np.float64],
) -> tuple[NDArray[np.float64], ...]:
    """Per component (label 0 included): elongation (major over minor second moment) and
    major-axis angle in degrees from the horizontal, measured only for the `wanted` ones
    (the others get 0): a desk's large blobs hold most of the ink and cannot be characters
    anyway."""
    # The labelled pixels: a 0/1 mask scanned as booleans is three times quicker than as
    # bytes.
    where = np.flatnonzero(ink.view(np.bool_))
    # As indices (16-bit labels would be converted again by each gather and count below).
    which = labels.ravel()[where].astype(np.intp)
    inside = wanted[which]
    where, which = where[inside], which[inside]
    count = len(wanted)
    ys, xs = np.divmod(where, ink.shape[1])
    area = np.maximum(np.bincount(which, minlength=count), 1).astype(np.float64)
    # Moments about each blob's own centroid: no cancellation between large squares. Each
    # centre taken from its own contiguous column (quicker than indexing the pairs).
    across, down = np.ascontiguousarray(centroids.T)
    x, y = xs - across[which], ys - down[which]

    def mean(values: NDArray[np.float64]) -> NDArray[np.float64]:
        return np.bincount(which, weights=values, minlength=count) / area

    cxx, cyy, cxy = mean(x * x), mean(y * y), mean(x * y)
    half = np.sqrt(np.maximum((cxx - cyy) ** 2 / 4 + cxy * cxy, 0))
    major, minor = (cxx + cyy) / 2 + half, np.maximum((cxx + cyy) / 2 - half, 1e-3)
    angle = 0.5 * np.degrees(np.arctan2(2 * cxy, cxx - cyy))
    return major / minor, angle


def _character_like(gray: NDArray[np.uint8], inked: Inked | None = None) -> NDArray[np.int64]:
    """Boxes (x, y, w, h) of dark blobs shaped like a character or a word (`inked`: the
    text ink of `gray` and its components, if made)."""
    ink, (_count, labels, stats, centroids) = text_ink(gray) if inked is None else inked
    x, y, w, h, area = stats.T.astype(np.int64)
    sized = (h >= 3) & (h <= 60) & (w >= 0.3 * h) & (w <= 6 * h) & (area >= 0.3 * w * h)
    sized[0] = False  # the background
    elongation, angle = _inertia(ink, labels, sized, centroids)
    # A thin stroke (a ruled line, a pen) is elongated; a word is too, but lies horizontal.
    slim = (elongation < 8) | ((np.abs(angle) < 15) & (elongation < 30))
    return np.asarray(np.stack([x, y, w, h], 1)[sized & slim], np.int64)


def text_boxes(gray: NDArray[np.uint8], inked: Inked | None = None) -> NDArray[np.int64]:
    """Boxes (x, y, w, h) of the character-like blobs with at least two neighbours of
    similar height on their row (tilted up to ~25°), close enough to be the same word or
    line. `inked`: `components.text_ink(gray)`, if made."""
    boxes = _character_like(gray, inked)
    if len(boxes) < 3:
        return boxes[:0]
    x, y, w, h = boxes.T.astype(np.float64)
    cx, cy = x + w / 2, y + h / 2
    i, j = _candidates(cy, 0.25 * h + 0.5 * (5 * h + w / 2))
    high = h[i]  # gathered once for its four uses
    across = np.abs(cx[i] - cx[j])
    gap = across - (w[i] + w[j]) / 2
    ratio = high / h[j]
    near = np.abs(cy[i] - cy[j]) < 0.25 * high + 0.5 * across
    near &= (gap < high) & (gap > -0.2 * high) & (ratio > 0.75) & (ratio < 1.33)
    return boxes[np.bincount(i[near], minlength=len(boxes)) >= 2]


def _candidates(
    cy: NDArray[np.float64], rise: NDArray[np.float64]
) -> tuple[NDArray[np.intp], NDArray[np.intp]]:
    """The pairs (i, j), i != j, with j within rise[i] of i along y. A neighbour's gap is
    under h_i, and its width under 6 h_j < 8 h_i, so it lies within 5 h_i + w_i / 2 along x,
    and so (the row test) within h_i / 4 plus half of that along y: the rise. A few
    dozen pairs a box instead of every pair of a page of boxes; searched along y, a fifth
    fewer than along x within 5 h_i + w_i / 2, and a fifth of the pair tests' time less.
    Every value here is a sum of quarters of whole pixels, exact in floats: no pair that
    the tests keep is missed."""
    order = np.argsort(cy, kind="stable")
    along = cy[order]
    first = np.searchsorted(along, cy - rise, "left")
    counts = np.searchsorted(along, cy + rise, "right") - first
    i = np.repeat(np.arange(len(cy)), counts)
    # Each pair's rank within its box's run of candidates.
    rank = np.arange(len(i)) - np.repeat(np.cumsum(counts) - counts, counts)
    j = order[np.repeat(first, counts) + rank]
    other = i != j
    return i[other], j[other]
