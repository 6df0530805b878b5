"""Is there a frontal face in the selfie? An LBP cascade, evaluated with numpy.

OpenCV 5 no longer ships `CascadeClassifier` (it moved to the contrib modules) nor the
`cv2.data.haarcascades` files, and its DNN detector (YuNet) needs weights we cannot bundle.
So this module evaluates OpenCV's own LBP frontal-face cascade, vendored beside it
(`lbpcascade_frontalface_improved.xml`, BSD-3, Puttemans, Ergun and Goedemé, KU Leuven
2017), the way `CascadeClassifier.detectMultiScale` does: a 45 × 45 window slid over a
pyramid of the image, 19 boosted stages of 8-bit LBP stumps, and a detection only where at
least `MIN_NEIGHBOURS` + 1 overlapping windows agree.
"""

import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import cv2
import numpy as np
from numpy.typing import NDArray

CASCADE = Path(__file__).with_name("lbpcascade_frontalface_improved.xml")
SCALE_STEP = 1.1  # detectMultiScale's default
MIN_NEIGHBOURS = 3  # its default: lone windows are the usual false detections
WORKING_SIDE = 320  # a selfie face is large
# The least face searched for, as a share of the picture's shorter side (the cascade's box,
# forehead to chin): 45 / 240, what the window reaches on a 4:3 selfie at the working size.
# A picture closer to square searched smaller faces, at more and finer scales (the dearest);
# it no longer does, so a picture without a face (every scale searched) costs no more than a
# 4:3 one, whatever its shape. A selfie's face at arm's length is a third of the side or more.
MIN_FACE = 0.1875
_THRESHOLD_EPS = 1e-5  # as CascadeClassifierImpl::Data::read
_EPS = 0.2  # groupRectangles' similarity: corners within 20% of the smaller size


@dataclass(frozen=True)
class Stage:
    threshold: np.float32
    features: NDArray[np.intp]  # (K,) index into Cascade.rects
    subsets: NDArray[np.uint32]  # (K, 8): the 256 LBP codes that take the left leaf
    leaves: NDArray[np.float32]  # (K, 2): left and right leaf values


@dataclass(frozen=True)
class Cascade:
    window: tuple[int, int]  # width, height
    rects: NDArray[np.intp]  # (F, 4): x, y, w, h of one of the 3 × 3 LBP cells
    stages: tuple[Stage, ...]


def _numbers(node: ET.Element | None) -> list[float]:
    return [float(t) for t in (node.text or "").split()] if node is not None else []


@cache
def cascade(path: Path = CASCADE) -> Cascade:
    root = ET.parse(path).getroot().find("cascade")  # noqa: S314 - our own vendored file
    if root is None:
        raise ValueError(f"{path} is not an OpenCV cascade")
    stages = []
    for stage in root.iterfind("stages/_"):
        nodes = [_numbers(w.find("internalNodes")) for w in stage.iterfind("weakClassifiers/_")]
        leaves = [_numbers(w.find("leafValues")) for w in stage.iterfind("weakClassifiers/_")]
        stages.append(
            Stage(
                # OpenCV lowers every threshold by 1e-5: many windows sum to it exactly.
                threshold=np.float32(_numbers(stage.find("stageThreshold"))[0] - _THRESHOLD_EPS),
                features=np.array([n[2] for n in nodes], np.intp),
                # The subsets are written as signed 32-bit integers.
                subsets=(np.array([n[3:11] for n in nodes], np.int64) & 0xFFFFFFFF).astype(
                    np.uint32
                ),
                leaves=np.array(leaves, np.float32),
            )
        )
    rects = [_numbers(f.find("rect")) for f in root.iterfind("features/_")]
    size = (int(_numbers(root.find("width"))[0]), int(_numbers(root.find("height"))[0]))
    return Cascade(size, np.array(rects, np.intp), tuple(stages))


def _lbp(
    integral: NDArray[np.int32], base: NDArray[np.intp], rects: NDArray[np.intp]
) -> NDArray[np.intp]:
    """The 8-bit LBP code of each window (rows) for each feature (columns): each of the 8
    outer cells of a 3 × 3 grid of w × h cells compared with the centre one, clockwise from
    the top left, as OpenCV's LBPEvaluator does. `base` is each window's top-left corner as
    an index into the flattened integral image: the 4 × 4 corners of every feature's cells
    are gathered in one flat gather, a few large numpy operations instead of a hundred."""
    stride = integral.shape[1]
    fx, fy, fw, fh = rects.T
    steps = np.arange(4)[:, None, None]
    offsets = (fy + steps * fh) * stride + (fx + steps.transpose(1, 0, 2) * fw)  # (4, 4, K)
    corners = integral.ravel()[offsets[:, :, None, :] + base[None, None, :, None]]
    return np.asarray(_code(corners), np.intp)


# The 8 outer cells clockwise from the top left, as (row, column), the first the highest bit.
_RING = ((0, 0), (0, 1), (0, 2), (1, 2), (2, 2), (2, 1), (2, 0), (1, 0))


def _code(corner: NDArray[np.int32]) -> NDArray[np.uint8]:
    """The LBP code from the integral image at the 4 × 4 corners of the 3 × 3 cells (axes 0
    and 1: rows, then columns; the others: the windows, the features)."""
    return _ring_code(corner[:-1, :-1] - corner[:-1, 1:] - corner[1:, :-1] + corner[1:, 1:])


def _ring_code(
    cells: NDArray[np.int32] | Sequence[Sequence[NDArray[np.int32]]],
) -> NDArray[np.uint8]:
    """The LBP code from the sums of the 3 × 3 cells (`cells[row][column]`, arrays alike)."""
    centre = cells[1][1]
    code = np.zeros(centre.shape, np.uint8)
    for bit, (r, c) in zip(range(7, -1, -1), _RING, strict=True):
        code |= (cells[r][c] >= centre).view(np.uint8) << bit
    return code


def _box_sums(integral: NDArray[np.int32], width: int, height: int) -> NDArray[np.int32]:
    """The sum of every width × height box of the image, by its top-left corner: a cell's
    sum as `_code` takes it, corner by corner in the same order."""
    return np.asarray(
        integral[:-height, :-width]
        - integral[:-height, width:]
        - integral[height:, :-width]
        + integral[height:, width:],
        np.int32,
    )


def _first_stage(
    stage: Stage, integral: NDArray[np.int32], rects: NDArray[np.intp], grid: tuple[int, int, int]
) -> NDArray[np.bool_]:
    """`_passes` for every window of a grid (rows, columns, step), the cells' sums sliced out
    of the feature's box sums over the whole image instead of gathered: every window meets
    the first stage, and strided views cost a fraction of the gathers. The same sums."""
    rows, columns, step = grid
    height, width = step * (rows - 1) + 1, step * (columns - 1) + 1
    total = np.zeros((rows, columns), np.float32)
    for k, feature in enumerate(stage.features):
        fx, fy, fw, fh = (int(v) for v in rects[feature])
        sums = _box_sums(integral, fw, fh)
        ys = [fy + j * fh for j in range(3)]
        xs = [fx + i * fw for i in range(3)]
        cells = [[sums[y : y + height : step, x : x + width : step] for x in xs] for y in ys]
        code = _ring_code(cells).astype(np.intp)
        word = stage.subsets[k][code >> 5]
        left = ((word >> (code & 31).astype(np.uint32)) & 1) == 1
        total += np.where(left, stage.leaves[k, 0], stage.leaves[k, 1])
    return np.asarray(total >= stage.threshold)


def _passes(
    stage: Stage, integral: NDArray[np.int32], base: NDArray[np.intp], rects: NDArray[np.intp]
) -> NDArray[np.bool_]:
    code = _lbp(integral, base, rects[stage.features])
    word = stage.subsets.ravel()[np.arange(len(stage.features)) * 8 + (code >> 5)]
    left = ((word >> (code & 31).astype(np.uint32)) & 1) == 1
    votes = np.where(left, stage.leaves[:, 0], stage.leaves[:, 1])
    # Summed in float32, one stump after the other, as OpenCV does.
    total = np.zeros(len(base), np.float32)
    for column in votes.T:
        total += column
    return total >= stage.threshold


def _scanned(first: NDArray[np.bool_]) -> NDArray[np.bool_]:
    """Which positions of each row OpenCV evaluates: after a window that fails the first
    stage it skips the next one (`x += step` in CascadeClassifierInvoker)."""
    # A window is skipped when the one before it was seen and failed: after a window that
    # passes (or the row's start), a run of failures is seen every other window. So a
    # window is seen when the failures right before it are even in number.
    columns = np.arange(first.shape[1])
    passed = np.maximum.accumulate(np.where(first, columns, -1), axis=1)
    before = np.full(first.shape, -1)
    before[:, 1:] = passed[:, :-1]  # the last window that passed before each one
    return np.asarray((columns - 1 - before) % 2 == 0)


def windows_at(gray: NDArray[np.uint8], model: Cascade, step: int = 2) -> NDArray[np.intp]:
    """Top-left corners (N, 2) of the windows of `gray` that pass every stage."""
    width, height = model.window
    ys, xs = np.mgrid[0 : gray.shape[0] - height + 1 : step, 0 : gray.shape[1] - width + 1 : step]
    integral = np.asarray(cv2.integral(gray, sdepth=cv2.CV_32S), np.int32)
    base = (ys * integral.shape[1] + xs).ravel().astype(np.intp)
    first = _first_stage(model.stages[0], integral, model.rects, (*xs.shape, step))
    base = base[(first & _scanned(first)).ravel()]
    for stage in model.stages[1:]:
        if not len(base):
            break  # every window rejected: the later stages would only cost their overhead
        base = base[_passes(stage, integral, base, model.rects)]
    y, x = np.divmod(base, integral.shape[1])
    return np.stack([x, y], 1).astype(np.intp)


def _scales(gray: NDArray[np.uint8], model: Cascade) -> list[float]:
    """The pyramid's scale factors, finest first, as OpenCV steps them (kept as float32)."""
    width, height = model.window
    found, factor = [], 1.0
    while gray.shape[1] / factor >= width - 0.5 and gray.shape[0] / factor >= height - 0.5:
        found.append(float(np.float32(factor)))
        factor *= SCALE_STEP
    return found


def windows_scaled(gray: NDArray[np.uint8], model: Cascade, scale: float) -> NDArray[np.float64]:
    """The windows (x, y, w, h in `gray`'s pixels) that the cascade accepts at one scale."""
    width, height = model.window
    size = (round(gray.shape[1] / scale), round(gray.shape[0] / scale))
    scaled = cv2.resize(gray, size, interpolation=cv2.INTER_LINEAR_EXACT)
    # Every other position at fine scales, every position at coarse ones.
    corners = windows_at(np.asarray(scaled, np.uint8), model, 1 if scale >= 2 else 2)
    side = (round(width * scale), round(height * scale))
    found = [(round(x * scale), round(y * scale), *side) for x, y in corners]
    return np.array(found, np.float64).reshape(-1, 4)


def detections(gray: NDArray[np.uint8], model: Cascade) -> NDArray[np.float64]:
    """Every window (x, y, w, h in `gray`'s pixels) that the cascade accepts, all scales."""
    return np.concatenate([windows_scaled(gray, model, s) for s in _scales(gray, model)])


def largest_group(rects: NDArray[np.float64]) -> int:
    """Size of the biggest cluster of near-identical windows (groupRectangles' rule)."""
    if not len(rects):
        return 0
    x, y, w, h = rects.T
    delta = _EPS * (np.minimum.outer(w, w) + np.minimum.outer(h, h)) / 2
    similar = np.ones((len(rects), len(rects)), bool)
    for edge in (x, y, x + w, y + h):
        similar &= np.abs(np.subtract.outer(edge, edge)) <= delta
    # Connected components of the similarity graph by repeated label propagation.
    label = np.arange(len(rects))
    while True:
        spread = np.where(similar, label[None, :], len(rects)).min(1)
        if np.array_equal(spread, label):
            break
        label = spread
    return int(np.bincount(label).max())


def has_face(image: NDArray[np.uint8], smallest: float = MIN_FACE) -> bool:
    """`smallest`: the least face searched for, as a share of the picture's shorter side."""
    gray = image if image.ndim == 2 else cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    side = max(gray.shape)
    if side > WORKING_SIDE:
        gray = cv2.resize(
            gray, None, fx=WORKING_SIDE / side, fy=WORKING_SIDE / side, interpolation=cv2.INTER_AREA
        )
    gray = np.asarray(gray, np.uint8)
    model = cascade()
    # Coarse scales first: a selfie's face is large, and groups only grow as windows are
    # added, so once one is big enough the fine scales (most of the cost) need not be seen.
    found = np.zeros((0, 4))
    least = round(smallest * min(gray.shape))  # in whole pixels, as the windows are
    scales = [s for s in _scales(gray, model) if round(model.window[1] * s) >= least]
    for scale in reversed(scales):
        found = np.concatenate([found, windows_scaled(gray, model, scale)])
        if largest_group(found) > MIN_NEIGHBOURS:
            return True
    return False
