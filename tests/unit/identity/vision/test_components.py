"""Connected components: 16-bit labels where they fit give the same components."""

import cv2
import numpy as np
import pytest

from apoyo_identity.vision.components import labelled


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
