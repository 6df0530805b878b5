"""The selfie's face search: its bound, and the first stage evaluated over the whole grid."""

import random

import cv2
import numpy as np
import pytest
from numpy.typing import NDArray

from apoyo.synthetic import photos
from apoyo.synthetic.credential import back, front
from apoyo.synthetic.people import make_citizens
from apoyo.synthetic.photo_ops import desk
from apoyo_identity.vision import evidence, faces

Image = NDArray[np.uint8]


def decoded(data: bytes) -> Image:
    return np.asarray(cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR), np.uint8)


def test_the_first_stage_over_the_grid_is_the_stage_on_each_window() -> None:
    noise = np.random.default_rng(5).integers(0, 256, (120, 160)).astype(np.uint8)
    image = np.asarray(cv2.GaussianBlur(noise, (0, 0), 1.5), np.uint8)
    model = faces.cascade()
    integral = np.asarray(cv2.integral(image, sdepth=cv2.CV_32S), np.int32)
    for step in (1, 2):
        ys, xs = np.mgrid[0 : 120 - 45 + 1 : step, 0 : 160 - 45 + 1 : step]
        base = (ys * integral.shape[1] + xs).ravel().astype(np.intp)
        one_by_one = faces._passes(model.stages[0], integral, base, model.rects)
        grid = faces._first_stage(model.stages[0], integral, model.rects, (*xs.shape, step))
        assert 0 < np.count_nonzero(one_by_one) < len(base)  # the stage decides something
        np.testing.assert_array_equal(grid.ravel(), one_by_one)


def test_the_search_stops_at_the_least_face(monkeypatch: pytest.MonkeyPatch) -> None:
    searched: list[float] = []
    seen = faces.windows_scaled

    def recorded(gray: Image, model: faces.Cascade, scale: float) -> NDArray[np.float64]:
        searched.append(scale)
        return seen(gray, model, scale)

    monkeypatch.setattr(faces, "windows_scaled", recorded)
    square = np.full((480, 480), 128, np.uint8)
    assert not faces.has_face(square)
    every = faces._scales(np.zeros((320, 320), np.uint8), faces.cascade())
    assert faces.MIN_FACE * 320 == 60  # of the shorter side at the working size
    assert searched == [s for s in reversed(every) if round(45 * s) >= 60]  # coarse first
    assert len(every) - len(searched) == 3  # windows of 45, 50 and 54 px
    searched.clear()
    assert not faces.has_face(square, smallest=0)
    assert searched == every[::-1]
    searched.clear()
    assert not faces.has_face(np.full((480, 640), 128, np.uint8))
    assert len(searched) == len(faces._scales(np.zeros((240, 320), np.uint8), faces.cascade()))


def faceless(kind: str) -> Image:
    """benchmarks/evidence.py's selfies without a face, one of each kind."""
    r, rng = random.Random(3), np.random.default_rng(3)
    person = make_citizens(1, seed=31)[0]
    if kind.startswith("card"):
        side = back(person) if kind == "card back" else front(person)
        return decoded(photos.phone_photo(side, 1, 3))
    if kind == "desk":
        return np.asarray(cv2.cvtColor(desk(r, rng, (960, 1280)), cv2.COLOR_RGB2BGR), np.uint8)
    return (150 + rng.integers(0, 12, (1280, 960, 3))).astype(np.uint8)  # a plain wall


@pytest.mark.parametrize("kind", ["card back", "card front", "desk", "wall"])
def test_no_face_is_found_where_there_is_none(kind: str) -> None:
    # The NO_FACE flag's catch.
    assert not faces.has_face(evidence.views(faceless(kind)).work)


def test_after_a_window_that_fails_the_first_stage_the_next_is_skipped() -> None:
    rng = np.random.default_rng(8)
    for share in (0.1, 0.5, 0.9):
        first = rng.random((6, 40)) < share
        seen = np.ones(first.shape, bool)  # CascadeClassifierInvoker's loop, window by window
        for column in range(1, first.shape[1]):
            seen[:, column] = ~(seen[:, column - 1] & ~first[:, column - 1])
        np.testing.assert_array_equal(faces._scanned(first), seen)
    assert faces._scanned(np.array([[False, False, False, True, False, False]])).tolist() == [
        [True, False, True, False, True, False]
    ]
