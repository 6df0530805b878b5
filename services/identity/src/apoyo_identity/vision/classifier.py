"""Score each MRZ cell against the 37 symbols with a classifier learnt from rendered cells.

Template correlation weighs every pixel alike, so at 14-18 px per character, after blur and
JPEG, 0 looks like 6 and O like D. From thousands of degraded renders (`training_cells`) a
linear discriminant learns which pixels tell symbols apart and how noise and blur spread
between pixels: cells are whitened by the pooled within-symbol covariance. In the 36
directions that separate the symbol means, each symbol then gets its own covariance (an I
varies in other ways than a T), a Gaussian whose log-likelihood is the score; the rest of
the whitened cell, alike for every symbol, counts once. Best over a pixel of shift.

Learning takes a few seconds, so the model is kept in the user's cache directory, keyed by the
font file and the training recipe; without a writable cache it is learnt once per process.
"""

import hashlib
import os
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from apoyo_identity.vision import training_cells
from apoyo_identity.vision.cells import SHIFT
from apoyo_identity.vision.glyphs import PITCH, box_height, font_path

# 400 until 2026-11-30: the per-symbol covariances learnt from 1,200 blocks (about 1,000
# cells a letter) score right glare-damaged letters by larger margins (docs/identity.md,
# "Models learnt from more blocks").
TRAINING_BLOCKS = 1200
TRAINING_SEED = 20261128
SLACK = 1  # pixels of shift tried each way: the training cells already carry small slips
RIDGE = 1e-3  # of the mean variance, added to the covariance: pixels no sample moved
SYMBOL_RIDGE = 0.1  # added to each symbol's covariance in the discriminant directions


@dataclass(frozen=True)
class Model:
    whiten: NDArray[np.float32]  # (pixels, pixels): cell to whitened cell
    directions: NDArray[np.float32]  # (pixels, 36) that separate the whitened symbol means
    means: NDArray[np.float32]  # (37, 36) symbol means along them
    shapes: NDArray[np.float32]  # (36, 37·36) per symbol, the Cholesky factor of its precision
    log_dets: NDArray[np.float32]  # (37,) log determinant of each symbol's covariance


def features(cells: NDArray[np.float32], dy: int, dx: int) -> NDArray[np.float32]:
    """The (box, PITCH) view of each window at one shift, zero mean and unit length: light
    and contrast say nothing about the symbol."""
    view = cells[:, dy : dy + box_height(), dx : dx + PITCH].reshape(len(cells), -1)
    view = view - view.mean(axis=1, keepdims=True)
    norm = np.linalg.norm(view, axis=1, keepdims=True)
    return np.asarray(view / np.maximum(norm, 1e-6), dtype=np.float32)


def fit(cells: NDArray[np.float32], labels: NDArray[np.int64]) -> Model:
    x = features(cells, SHIFT, SHIFT).astype(np.float64)
    symbols = int(labels.max()) + 1
    means = np.stack([x[labels == s].mean(axis=0) for s in range(symbols)])
    spread = x - means[labels]
    within = spread.T @ spread / len(x)
    within += np.eye(len(within)) * RIDGE * np.trace(within) / len(within)
    whiten = np.linalg.cholesky(np.linalg.inv(within))
    centred = means @ whiten - (means @ whiten).mean(axis=0)
    directions = np.linalg.svd(centred, full_matrices=False)[2][: symbols - 1].T
    along = x @ whiten @ directions
    shapes, log_dets, centres = [], [], []
    for s in range(symbols):
        mine = along[labels == s]
        covariance = np.cov(mine.T, bias=True) + SYMBOL_RIDGE * np.eye(len(directions.T))
        shapes.append(np.linalg.cholesky(np.linalg.inv(covariance)))
        log_dets.append(np.linalg.slogdet(covariance)[1])
        centres.append(mine.mean(axis=0))
    return Model(
        whiten.astype(np.float32),
        directions.astype(np.float32),
        np.asarray(centres, np.float32),
        np.hstack(shapes).astype(np.float32),
        np.asarray(log_dets, np.float32),
    )


def recipe(*parts: object) -> str:
    """A key for a model learnt from rendered cells: the font file, how the cells are
    drawn and degraded, and the learner's own `parts`."""
    drawing = (
        training_cells.PHOTO_PITCH,
        training_cells.PHOTO_BLUR,
        training_cells.NOISE,
        training_cells.JPEG_QUALITY,
        training_cells.SLIP,
        training_cells.SUPER,
        PITCH,
        box_height(),
    )
    digest = hashlib.sha256(font_path().read_bytes())
    digest.update(repr((*drawing, *parts)).encode())
    return digest.hexdigest()[:16]


def cached(name: str, key: str, learn: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    """Arrays learnt once per machine, kept in the user's cache directory under `name` and
    `key`; learnt again each process where that is not writable."""
    root = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    path = root / "apoyo" / f"{name}-{key}.npz"
    try:
        with np.load(path) as stored:
            return {field: stored[field] for field in stored.files}
    except (OSError, KeyError, ValueError):
        pass
    learnt = learn()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(f".{os.getpid()}.npz")
        np.savez(partial, **learnt)
        partial.replace(path)
    except OSError:
        pass  # a read-only home: learn again next time
    return learnt


@lru_cache(maxsize=1)
def model() -> Model:
    key = recipe(TRAINING_BLOCKS, TRAINING_SEED, RIDGE, SYMBOL_RIDGE, 7)  # bump on changes

    def learn() -> dict[str, NDArray[Any]]:
        return dict(fit(*training_cells.training_set(TRAINING_BLOCKS, TRAINING_SEED)).__dict__)

    stored = cached("mrz-classifier", key, learn)
    return Model(*(stored[name] for name in Model.__dataclass_fields__))


@lru_cache(maxsize=1)
def _centres() -> NDArray[np.float32]:
    """(37, 36) each symbol's mean through its own Cholesky factor: the same for every
    scoring, so made once with the model."""
    found = model()
    symbols, size = found.means.shape
    shapes = found.shapes.reshape(size, symbols, size)
    return np.asarray(np.einsum("sj,jsk->sk", found.means, shapes), np.float32)


def scores(cells: NDArray[np.float32], slack: int = SLACK) -> NDArray[np.float32]:
    """(cells, 37) log-likelihood of each symbol, best over shifts of up to `slack` pixels."""
    found = model()
    shifts = range(SHIFT - slack, SHIFT + slack + 1)
    each = [features(cells, dy, dx) for dy in shifts for dx in shifts]
    views = each[0] if len(each) == 1 else np.concatenate(each)  # one: no copy
    z = views @ found.whiten
    along = z @ found.directions
    rest = (z * z).sum(axis=1) - (along * along).sum(axis=1)  # alike for every symbol
    symbols, size = found.means.shape
    shaped = (along @ found.shapes).reshape(len(views), symbols, size)
    shaped -= _centres()
    distance = np.einsum("isk,isk->is", shaped, shaped) + found.log_dets + rest[:, None]
    best = (-0.5 * distance).reshape(-1, len(cells), symbols).max(axis=0)
    return np.asarray(best, dtype=np.float32)
