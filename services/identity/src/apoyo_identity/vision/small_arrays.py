"""Medians, lines and parabolas of a row's few dozen values, without numpy's overhead.

The reader takes some forty of these a photo (a row's pitch, its columns, its cells'
heights). On 10-90 values `np.median`, `np.polyfit` and `Polynomial.fit` spend 15, 20-30
and 60 µs a call on checks, an SVD and bookkeeping, more than the arithmetic needs: a tenth
of the reader's time. The median here is `np.median`'s value exactly; the fits solve the
normal equations on x centred and scaled to [-1, 1] (well conditioned at these sizes), the
same fitted values as `np.polyfit`'s to within 1e-9 px (what `test_small_arrays` checks).
"""

from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray


def median(values: NDArray[np.floating[Any]]) -> float:
    """`np.median` of a 1-D array without NaN: the middle value, or the mean of the two."""
    ordered = np.sort(values)
    size = len(ordered)
    return float((ordered[(size - 1) // 2] + ordered[size // 2]) / 2)


def line_fit(x: ArrayLike, y: ArrayLike) -> NDArray[np.float64]:
    """`np.polyfit(x, y, 1)`: slope and intercept."""
    xs, ys = np.asarray(x, np.float64), np.asarray(y, np.float64)
    # np.add.reduce is what .sum() calls, without its wrapper.
    mean_x, mean_y = float(np.add.reduce(xs)) / len(xs), float(np.add.reduce(ys)) / len(ys)
    dx = xs - mean_x
    spread = float(dx @ dx)
    if spread == 0:  # one x: no slope to fit
        return np.asarray(np.polyfit(xs, ys, 1), np.float64)
    slope = float(dx @ (ys - mean_y)) / spread
    return np.array([slope, mean_y - slope * mean_x])


def parabola_fit(x: ArrayLike, y: ArrayLike) -> NDArray[np.float64]:
    """`np.polyfit(x, y, 2)`: coefficients, highest power first."""
    xs, ys = np.asarray(x, np.float64), np.asarray(y, np.float64)
    low, high = float(np.minimum.reduce(xs)), float(np.maximum.reduce(xs))
    centre, half = (high + low) / 2, max((high - low) / 2, 1e-300)
    t = (xs - centre) / half
    square = t * t
    n, m1, m2 = float(len(t)), float(np.add.reduce(t)), float(np.add.reduce(square))
    m3, m4 = float(square @ t), float(square @ square)
    s0, s1, s2 = float(np.add.reduce(ys)), float(t @ ys), float(square @ ys)
    # The normal equations [[m4 m3 m2] [m3 m2 m1] [m2 m1 n]] (a b c) = (s2 s1 s0), solved
    # by their cofactors (the matrix is symmetric).
    c00, c01, c02 = m2 * n - m1 * m1, m1 * m2 - m3 * n, m3 * m1 - m2 * m2
    c11, c12, c22 = m4 * n - m2 * m2, m3 * m2 - m4 * m1, m4 * m2 - m3 * m3
    whole = m4 * c00 + m3 * c01 + m2 * c02
    if whole == 0:  # fewer than three distinct x
        return np.asarray(np.polyfit(xs, ys, 2), np.float64)
    a = (c00 * s2 + c01 * s1 + c02 * s0) / whole / (half * half)  # back from t to x
    b = (c01 * s2 + c11 * s1 + c12 * s0) / whole / half
    c = (c02 * s2 + c12 * s1 + c22 * s0) / whole
    return np.array([a, b - 2 * a * centre, (a * centre - b) * centre + c])
