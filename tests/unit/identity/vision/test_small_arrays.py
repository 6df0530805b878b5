"""The reader's quick medians and fits: `np.median`'s values exactly, `np.polyfit`'s
coefficients to rounding."""

import warnings

import numpy as np
import pytest

from apoyo_identity.vision.small_arrays import line_fit, median, parabola_fit


@pytest.mark.parametrize("seed", range(20))
def test_median_is_numpys(seed: int) -> None:
    rng = np.random.default_rng(seed)
    for size in (1, 2, 7, 30, 90):
        for values in (rng.normal(0, 10, size), rng.integers(0, 4, size).astype(np.float32)):
            assert median(values) == float(np.median(values))


def _row(rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """A row's points as the reader fits them: 8-40 columns or canonical x, a gentle curve."""
    size = int(rng.integers(8, 41))
    if rng.random() < 0.5:
        x = np.sort(rng.choice(60, size, replace=False)).astype(np.int64)
    else:
        x = np.sort(rng.uniform(-20, 600, size))
    y = rng.uniform(-1e-3, 1e-3) * x**2 + rng.uniform(-20, 20) * x + rng.normal(0, 2, size) + 90
    return x, y


@pytest.mark.parametrize("seed", range(20))
def test_fits_are_numpys(seed: int) -> None:
    rng = np.random.default_rng(seed)
    for _ in range(50):
        x, y = _row(rng)
        for fit, degree in ((line_fit, 1), (parabola_fit, 2)):
            wanted = np.polyval(np.polyfit(x, y, degree), x)
            assert np.allclose(np.polyval(fit(x, y), x), wanted, rtol=0, atol=1e-9)


def test_fits_without_enough_distinct_x_are_numpys() -> None:
    x, y = np.array([3.0, 3.0, 5.0, 5.0]), np.array([1.0, 2.0, 3.0, 5.0])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", np.exceptions.RankWarning)
        assert np.array_equal(parabola_fit(x, y), np.polyfit(x, y, 2))
        assert np.array_equal(line_fit(x[:2], y[:2]), np.polyfit(x[:2], y[:2], 1))
