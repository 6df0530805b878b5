"""Character-sized dark blobs of a photo, and the text rows they line up in."""

from dataclasses import dataclass
from typing import Any

import cv2
import numpy as np
from numpy.typing import NDArray


@dataclass(frozen=True)
class Blobs:
    """Centres (N, 2) and heights (N,) of candidate characters, in working pixels."""

    centres: NDArray[np.float64]
    heights: NDArray[np.float64]


Labelled = tuple[int, NDArray[np.integer[Any]], NDArray[np.int32], NDArray[np.float64]]
# Labels fit in 16 bits while there are fewer ink pixels than that (each component holds one
# at least): writing and reading half the bytes makes the labelling and its stats a fifth
# quicker, with the same labels, stats and centroids.
_SHORT_LABELS = 65_535


def labelled(ink: cv2.typing.MatLike) -> Labelled:
    """8-connected components with their stats and centroids. BBDT gives the same labels as
    OpenCV's default (Spaghetti) in half the time on one thread."""
    depth = cv2.CV_16U if cv2.countNonZero(ink) < _SHORT_LABELS else cv2.CV_32S
    count, labels, stats, centroids = cv2.connectedComponentsWithStatsWithAlgorithm(
        ink, 8, depth, cv2.CCL_BBDT
    )
    return (
        int(count),
        np.asarray(labels),
        np.asarray(stats, np.int32),
        np.asarray(centroids, np.float64),
    )


def darker_than_around(
    gray: NDArray[np.uint8], block: int, offset: int, value: int
) -> NDArray[np.uint8]:
    """`value` where a pixel is `offset` levels or more darker than its `block` x `block`
    mean, 0 elsewhere: what `cv2.adaptiveThreshold(gray, value, ADAPTIVE_THRESH_MEAN_C,
    THRESH_BINARY_INV, block, offset)` gives, from the same box filter (rounded mean,
    replicated border), with the comparison as a saturating subtraction and a threshold
    instead of its table looked up pixel by pixel: 0.33 -> 0.20 ms a 640 x 480 copy."""
    mean = cv2.boxFilter(
        gray, -1, (block, block), borderType=cv2.BORDER_REPLICATE | cv2.BORDER_ISOLATED
    )
    # mean - gray saturates at 0 where the pixel is the brighter: not darker there either.
    darker = cv2.subtract(mean, gray)
    return np.asarray(cv2.threshold(darker, offset - 1, value, cv2.THRESH_BINARY)[1], np.uint8)


# The text rows' ink (`text_rows.py`): 20 levels darker than its 15 x 15 mean.
TEXT_BLOCK, TEXT_OFFSET = 15, 20
Inked = tuple[NDArray[np.uint8], Labelled]


def text_ink(gray: NDArray[np.uint8]) -> Inked:
    """The text rows' ink (1 where a pixel is TEXT_OFFSET levels darker than its TEXT_BLOCK
    mean) and its components: what the evidence checks' text rows and the MRZ reader's
    search on a half-size copy both read."""
    ink = darker_than_around(gray, TEXT_BLOCK, TEXT_OFFSET, 1)
    return ink, labelled(ink)


def blobs(gray: NDArray[np.uint8], found: Labelled | None = None) -> Blobs:
    """`found`: the components of an ink of `gray` already labelled (`text_ink`); else its
    ink 10 levels darker than a block of a fortieth of its side."""
    side = max(gray.shape)
    if found is None:
        block = max(15, (side // 40) | 1)
        found = labelled(darker_than_around(gray, block, 10, 255))
    _count, _, stats, centroids = found
    w, h = stats[1:, cv2.CC_STAT_WIDTH], stats[1:, cv2.CC_STAT_HEIGHT]
    area = stats[1:, cv2.CC_STAT_AREA]
    tall = np.maximum(w, h)
    keep = (tall >= max(6, side * 0.006)) & (tall <= side * 0.08)
    keep &= (area >= 0.08 * w * h) & (w <= 2.2 * h) & (h <= 6 * w + 4)
    return Blobs(centroids[1:][keep].astype(np.float64), tall[keep].astype(np.float64))


def pairs_within(
    xy: NDArray[np.float64], reach: NDArray[np.float64], rise: NDArray[np.float64]
) -> NDArray[np.int64]:
    """(2, P) index pairs (i, j), x[i] <= x[j], that lie within max(reach[i], reach[j]) of
    each other along x and max(rise[i], rise[j]) along y: the only pairs worth comparing,
    found without the N x N matrices that a busy photo's thousand blobs make slow. Ordered
    by how many blobs apart along x they are, then by the first.

    Blobs are sorted into bands as tall as the largest rise, by x within each: a blob's
    pairs lie in its own band and the two beside it, within its own reach or the other's.
    Each is searched within its own reach there (a hair wide; the tests are exact) and a
    pair kept by the blob of lower x rank whose reach covers it. Searching every blob's
    whole x range out to the largest reach paired up five to ten times as many blobs."""
    count = len(xy)
    if count == 0:
        return np.zeros((2, 0), np.int64)
    x, y = xy[:, 0], xy[:, 1]
    order = np.argsort(x, kind="stable")
    rank = np.empty(count, np.int64)
    rank[order] = np.arange(count)
    band = np.floor((y - y.min()) / max(float(rise.max()), 1e-9)).astype(np.int64)
    stride = float(x.max() - x.min() + 2 * reach.max() + 1)
    keys = band * stride + (x - x.min())
    banded = np.lexsort((rank, band))
    sorted_keys = keys[banded]
    # The band below each blob, its own and the one above, searched in one pass each way.
    centre = (keys + np.array([[-stride], [0.0], [stride]])).ravel()
    reaches = np.tile(reach, 3)
    hair = 1e-9 * (1.0 + np.abs(centre) + reaches)
    low = np.searchsorted(sorted_keys, centre - reaches - hair, "left")
    high = np.searchsorted(sorted_keys, centre + reaches + hair, "right")
    owner, slot = _spans(low, np.maximum(high - low, 0))
    owner, other = owner % count, banded[slot]
    run = np.abs(x[other] - x[owner])
    keep = (owner != other) & (run <= reach[owner])
    keep &= np.abs(y[other] - y[owner]) <= np.maximum(rise[owner], rise[other])
    keep &= (run > reach[other]) | (rank[owner] < rank[other])  # the other keeps it
    first = np.minimum(rank[owner[keep]], rank[other[keep]])
    second = np.maximum(rank[owner[keep]], rank[other[keep]])
    by_first = _stable_order(first)
    first, second = first[by_first], second[by_first]
    by_step = _stable_order(second - first)
    return np.asarray(order[np.vstack([first[by_step], second[by_step]])])


def _spans(
    starts: NDArray[np.int64], counts: NDArray[np.int64]
) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """For each i, i repeated counts[i] times beside starts[i] .. starts[i] + counts[i] - 1."""
    owners = np.repeat(np.arange(len(counts)), counts)
    # Slot k of i's span: starts[i] + k - (where i's span begins among all of them).
    return owners, np.arange(len(owners)) + np.repeat(starts - (np.cumsum(counts) - counts), counts)


def _stable_order(keys: NDArray[np.int64]) -> NDArray[np.int64]:
    """A stable argsort; of small integers a radix sort."""
    small = len(keys) == 0 or int(keys.max()) < np.iinfo(np.int16).max
    return np.argsort(keys.astype(np.int16) if small else keys, kind="stable")


def text_angles(found: Blobs, count: int = 3) -> list[float]:
    """Directions in which neighbouring blobs of similar size line up, strongest first
    (radians, within ±pi/2). Barcodes and patterns line up too, so several are offered."""
    c, h = found.centres, found.heights
    if len(c) < 10:
        return [0.0]
    i, j = pairs_within(c, 1.35 * h, 1.35 * h)  # dist < 1.35 * scale, below
    delta = c[j] - c[i]
    dist = np.hypot(delta[:, 0], delta[:, 1])
    scale = np.maximum(h[i], h[j])
    similar = np.abs(h[i] - h[j]) <= 0.4 * scale
    # Beside a character its neighbour is one pitch (~1.03 heights) away; the row below is
    # ~1.6 heights away, so a shorter reach keeps the MRZ grid's columns out of the count.
    near = (dist > 0.5 * scale) & (dist < 1.35 * scale) & similar
    angles = np.arctan2(delta[near, 1], delta[near, 0]) % np.pi
    hist = _histogram(angles)
    # Each bin with its neighbours, around the half turn (np.roll's sums).
    around = np.concatenate((hist[-1:], hist, hist[:1]))
    smooth = hist + around[:-2] + around[2:]
    peaks: list[float] = []
    for peak in np.argsort(-smooth):
        if smooth[peak] == 0 or len(peaks) == count:
            break
        angle = float(_EDGES[peak]) + np.pi / 360
        if all(
            abs((angle - other + np.pi / 2) % np.pi - np.pi / 2) > np.pi / 18 for other in peaks
        ):
            peaks.append(angle)
    # Text reads left to right in the image when near horizontal; upside down is tried later.
    return [a - np.pi if a > np.pi / 2 else a for a in peaks] or [0.0]


# `np.histogram(angles, bins=180, range=(0, np.pi))`'s edges.
_EDGES = np.linspace(0.0, np.pi, 181)


def _histogram(angles: NDArray[np.float64]) -> NDArray[np.intp]:
    """`np.histogram(angles, bins=180, range=(0, np.pi))`'s counts: a value in bin k when
    edge k <= it < edge k + 1, the last bin closed, values outside left out (numpy's
    estimate of k from the value, corrected by its edges, is that), without its checks."""
    inside = angles[(angles >= 0.0) & (angles <= np.pi)]
    bins = np.minimum(np.searchsorted(_EDGES, inside, "right") - 1, len(_EDGES) - 2)
    return np.bincount(bins, minlength=len(_EDGES) - 1)
