"""Score each MRZ cell against the 37 symbols with a classifier learnt from rendered cells.

Template correlation weighs every pixel alike, so at 14-18 px per character, after blur and
JPEG, 0 looks like 6 and O like D. A linear discriminant learns, from thousands of degraded
renders (`training_cells`), which pixels tell symbols apart and how noise and blur spread
between pixels: cells are whitened by the pooled within-symbol covariance and compared with
each symbol's mean. The score is that Gaussian log-likelihood, best over a pixel of shift.

Learning takes a few seconds, so the model is kept in the user's cache directory, keyed by the
font file and the training recipe; without a writable cache it is learnt once per process.
"""

import hashlib
import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from apoyo_identity.vision import training_cells
from apoyo_identity.vision.cells import SHIFT
from apoyo_identity.vision.glyphs import PITCH, box_height, font_path

TRAINING_BLOCKS = 400
TRAINING_SEED = 20261128
SLACK = 1  # pixels of shift tried each way: the training cells already carry small slips
RIDGE = 1e-3  # of the mean variance, added to the covariance: pixels no sample moved


@dataclass(frozen=True)
class Model:
    means: NDArray[np.float32]  # (37, features) whitened symbol means
    whiten: NDArray[np.float32]  # (pixels, features)


def features(cells: NDArray[np.float32], dy: int, dx: int) -> NDArray[np.float32]:
    """The (box, PITCH) view of each window at one shift, zero mean and unit length: light
    and contrast say nothing about the symbol."""
    view = cells[:, dy : dy + box_height(), dx : dx + PITCH].reshape(len(cells), -1)
    view = view - view.mean(axis=1, keepdims=True)
    norm = np.linalg.norm(view, axis=1, keepdims=True)
    return np.asarray(view / np.maximum(norm, 1e-6), dtype=np.float32)


def fit(cells: NDArray[np.float32], labels: NDArray[np.int64]) -> Model:
    x = features(cells, SHIFT, SHIFT).astype(np.float64)
    means = np.stack([x[labels == s].mean(axis=0) for s in range(int(labels.max()) + 1)])
    spread = x - means[labels]
    within = spread.T @ spread / len(x)
    within += np.eye(len(within)) * RIDGE * np.trace(within) / len(within)
    whiten = np.linalg.cholesky(np.linalg.inv(within))
    return Model((means @ whiten).astype(np.float32), whiten.astype(np.float32))


def _recipe() -> str:
    parts = (
        training_cells.PHOTO_PITCH,
        training_cells.PHOTO_BLUR,
        training_cells.NOISE,
        training_cells.JPEG_QUALITY,
        training_cells.SLIP,
        training_cells.SUPER,
        TRAINING_BLOCKS,
        TRAINING_SEED,
        RIDGE,
        PITCH,
        box_height(),
        5,  # bump when the rendering code changes
    )
    digest = hashlib.sha256(font_path().read_bytes())
    digest.update(repr(parts).encode())
    return digest.hexdigest()[:16]


def _cache_file() -> Path:
    root = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return root / "apoyo" / f"mrz-classifier-{_recipe()}.npz"


@lru_cache(maxsize=1)
def model() -> Model:
    path = _cache_file()
    try:
        with np.load(path) as stored:
            return Model(stored["means"].astype(np.float32), stored["whiten"].astype(np.float32))
    except (OSError, KeyError, ValueError):
        pass
    learnt = fit(*training_cells.training_set(TRAINING_BLOCKS, TRAINING_SEED))
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(f".{os.getpid()}.npz")
        np.savez(partial, means=learnt.means, whiten=learnt.whiten)
        partial.replace(path)
    except OSError:
        pass  # a read-only home: learn again next time
    return learnt


def scores(cells: NDArray[np.float32]) -> NDArray[np.float32]:
    """(cells, 37) log-likelihood of each symbol, best over shifts of up to SLACK pixels."""
    found = model()
    views = np.concatenate(
        [
            features(cells, dy, dx)
            for dy in range(SHIFT - SLACK, SHIFT + SLACK + 1)
            for dx in range(SHIFT - SLACK, SHIFT + SLACK + 1)
        ]
    )
    z = views @ found.whiten
    means = found.means
    distance = (z * z).sum(axis=1)[:, None] - 2 * z @ means.T + (means * means).sum(axis=1)
    best = (-0.5 * distance).reshape(-1, len(cells), len(means)).max(axis=0)
    return np.asarray(best, dtype=np.float32)
