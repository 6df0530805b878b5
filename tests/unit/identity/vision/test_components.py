"""Connected components: 16-bit labels where they fit give the same components; blob pairs
within reach are every such pair, in order."""

import cv2
import numpy as np
import pytest

from apoyo_identity.vision.components import labelled, pairs_within


@pytest.mark.parametrize("share", [0.05, 0.5])
def test_labels_are_the_same_whatever_their_width(share: float) -> None:
    # 0.5 of 400 x 400 is more ink pixels than 16 bits count: 32-bit labels then.
    ink = (np.random.default_rng(3).random((400, 400)) < share).astype(np.uint8)
    count, labels, stats, centroids = labelled(ink)
    wide = cv2.connectedComponentsWithStatsWithAlgorithm(ink, 8, cv2.CV_32S, cv2.CCL_BBDT)
    assert count == wide[0]
    assert np.array_equal(labels, wide[1])
    assert np.array_equal(stats, wide[2]) and np.array_equal(centroids, wide[3])
    assert labels.dtype == (np.uint16 if share < 0.1 else np.int32)


def _all_pairs_within(xy: np.ndarray, reach: np.ndarray, rise: np.ndarray) -> list[tuple[int, int]]:
    """Every pair compared, by x rank (ties in index order), ordered as `pairs_within` says."""
    order = np.argsort(xy[:, 0], kind="stable")
    found = []
    for a in range(len(order)):
        for b in range(a + 1, len(order)):
            i, j = int(order[a]), int(order[b])
            run, lift = abs(xy[j, 0] - xy[i, 0]), abs(xy[j, 1] - xy[i, 1])
            if run <= max(reach[i], reach[j]) and lift <= max(rise[i], rise[j]):
                found.append((b - a, a, i, j))
    return [(i, j) for *_, i, j in sorted(found)]


@pytest.mark.parametrize("seed", range(40))
def test_pairs_within_are_every_pair_within_reach_in_order(seed: int) -> None:
    rng = np.random.default_rng(seed)
    count = int(rng.integers(0, 60))
    xy = np.round(rng.uniform(0, 100, (count, 2)), int(rng.integers(0, 2)))  # ties too
    reach, rise = rng.uniform(0, 20, count), rng.uniform(0, 30, count)
    if seed % 2:
        reach, rise = np.round(reach), np.round(rise)  # gaps exactly at a reach
    pairs = pairs_within(xy, reach, rise)
    assert [(int(i), int(j)) for i, j in pairs.T] == _all_pairs_within(xy, reach, rise)
