"""A second opinion on the letters no check digit covers: small neural networks.

The name line and the sex letter have no check digit, so a wrong letter there is only kept
out by how sure the reader is. The Gaussian classifier's margins say that poorly at 14-18 px
per character: a wrong letter can win by as much as a right one. A one-hidden-layer network
learnt on other rendered cells errs differently; a letter is kept only when every network
prefers it too, which, on development photos, refused every wrong name read while keeping
most right ones (docs/identity.md).

The networks learn from random rendered blocks (`training_cells`, 800 each, with the cell
moved by up to a pixel each way as the reader's cutter may miss) and, since 2026-12-01, from
the cells of 4,000 generator photos with glare and shadow (levels 2 and 3): learnt so, they
read the truth's cells of level-3 photos better (every cell of 95.5-95.8% of development
photos against 90.9-92.3%; docs/identity.md, "The networks learnt from 4,000 generator
photos"). The service cannot draw generator photos (the generator is the workspace's, not
this package's), so the weights are shipped beside this file (`NETWORKS`), learnt by
`benchmarks/mrz_photo_cells.py --write`, which learns the same weights again. Over four
passes they were still unsure of letters the classifier was sure of (a clear M by 0.3-1.0 in
log posterior), and refused right name lines; over 12 the letters glare makes of others need
larger margins (`mrz_decode._margin_needed`, docs/identity.md).

A third network, learnt as the two from its own blocks and the same photos
(`photo_network`), is asked only where the two alone refuse a read (`mrz_reader._rescued`).
"""

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from apoyo_identity.vision.cells import SHIFT
from apoyo_identity.vision.classifier import features

HIDDEN = 256
EPOCHS = 12  # 4 until the networks' doubts refused right name lines (docs/identity.md)
BATCH = 256
LEARNING_RATE = 1e-3
WEIGHT_DECAY = 1e-5
SLACK = 1  # pixels of shift, in learning (at random) and in reading (best of)
SCALE = 17.0  # features are unit vectors of ~290 pixels: about unit variance per pixel
# Where a cell is read: as cut and a pixel up, down, left and right. The corners add nothing
# on development photos (the same reads, no wrong one) and cost four ninths of the time.
READING_SHIFTS = ((SHIFT, SHIFT), (SHIFT - 1, SHIFT), (SHIFT + 1, SHIFT), (SHIFT, SHIFT - 1),
                  (SHIFT, SHIFT + 1))  # fmt: skip


@dataclass(frozen=True)
class Network:
    hidden: NDArray[np.float32]  # (pixels, HIDDEN)
    hidden_bias: NDArray[np.float32]
    out: NDArray[np.float32]  # (HIDDEN, 37)
    out_bias: NDArray[np.float32]

    def logits(self, x: NDArray[np.float32]) -> NDArray[np.float32]:
        inner = np.maximum(x @ self.hidden + self.hidden_bias, 0)
        return np.asarray(inner @ self.out + self.out_bias, np.float32)


def _shifted(cells: NDArray[np.float32], rng: np.random.Generator) -> NDArray[np.float32]:
    """Each cell's features at a random shift of up to SLACK pixels."""
    first = features(cells[:1], SHIFT, SHIFT)
    out = np.empty((len(cells), first.shape[1]), np.float32)
    picks = rng.integers(0, (2 * SLACK + 1) ** 2, len(cells))
    for pick in range(int((2 * SLACK + 1) ** 2)):
        chosen = picks == pick
        dy, dx = divmod(pick, 2 * SLACK + 1)
        out[chosen] = features(cells[chosen], SHIFT - SLACK + dy, SHIFT - SLACK + dx)
    return out * SCALE


class _Adam:
    def __init__(self, params: list[NDArray[np.float32]]) -> None:
        self.params = params
        self.first = [np.zeros_like(p) for p in params]
        self.second = [np.zeros_like(p) for p in params]
        self.steps = 0

    def step(self, grads: list[NDArray[np.float32]], rate: float) -> None:
        self.steps += 1
        for p, g, m, v in zip(self.params, grads, self.first, self.second, strict=True):
            m *= 0.9
            m += 0.1 * g
            v *= 0.999
            v += 0.001 * g * g
            p -= rate * (m / (1 - 0.9**self.steps)) / (np.sqrt(v / (1 - 0.999**self.steps)) + 1e-8)


def fit(
    cells: NDArray[np.float32], labels: NDArray[np.int64], seed: int, hidden: int = HIDDEN
) -> Network:
    """Softmax cross-entropy by Adam with a cosine learning rate, EPOCHS passes."""
    rng = np.random.default_rng(seed)
    pixels, symbols = features(cells[:1], SHIFT, SHIFT).shape[1], int(labels.max()) + 1
    net = Network(
        (rng.standard_normal((pixels, hidden)) * np.sqrt(2 / pixels)).astype(np.float32),
        np.zeros(hidden, np.float32),
        (rng.standard_normal((hidden, symbols)) * np.sqrt(2 / hidden)).astype(np.float32),
        np.zeros(symbols, np.float32),
    )
    adam = _Adam([net.hidden, net.hidden_bias, net.out, net.out_bias])
    total = EPOCHS * (len(cells) // BATCH)
    for _ in range(EPOCHS):
        x, order = _shifted(cells, rng), rng.permutation(len(cells))
        for start in range(0, len(cells) - BATCH + 1, BATCH):
            batch = order[start : start + BATCH]
            rate = LEARNING_RATE * 0.5 * (1 + np.cos(np.pi * adam.steps / total))
            adam.step(_gradients(net, x[batch], labels[batch]), rate)
    return net


def _gradients(
    net: Network, x: NDArray[np.float32], labels: NDArray[np.int64]
) -> list[NDArray[np.float32]]:
    inner = np.maximum(x @ net.hidden + net.hidden_bias, 0)
    z = inner @ net.out + net.out_bias
    p = np.exp(z - z.max(axis=1, keepdims=True))
    p /= p.sum(axis=1, keepdims=True)
    p[np.arange(len(labels)), labels] -= 1
    p /= len(labels)
    back = (p @ net.out.T) * (inner > 0)
    return [
        x.T @ back + WEIGHT_DECAY * net.hidden,
        back.sum(axis=0),
        inner.T @ p + WEIGHT_DECAY * net.out,
        p.sum(axis=0),
    ]


def log_probabilities(net: Network, cells: NDArray[np.float32]) -> NDArray[np.float32]:
    """(cells, 37) log posterior of each symbol, best over shifts of up to SLACK pixels."""
    best = np.full((len(cells), net.out.shape[1]), -np.inf, np.float32)
    for dy in range(SHIFT - SLACK, SHIFT + SLACK + 1):
        for dx in range(SHIFT - SLACK, SHIFT + SLACK + 1):
            z = net.logits(features(cells, dy, dx) * SCALE)
            z -= z.max(axis=1, keepdims=True)
            z -= np.log(np.exp(z).sum(axis=1, keepdims=True))
            np.maximum(best, z, out=best)
    return best


CHECKERS = 2
# 400 blocks each until 2026-11-30: over 800, with the discriminant over 1,200, more right
# letters win (docs/identity.md, "Models learnt from more blocks").
CHECK_BLOCKS = 800
CHECK_SEED = 20261129  # not the classifier's: the networks learn from other blocks
# The two networks, learnt also from generator photos (`benchmarks/mrz_photo_cells.py
# --write`): network k's arrays stored as the fields of Network followed by k.
NETWORKS = Path(__file__).with_name("check_networks.npz")


@lru_cache(maxsize=1)
def networks() -> tuple[Network, ...]:
    """The CHECKERS shipped networks, loaded once per process, when first asked."""
    with np.load(NETWORKS) as stored:
        fields = Network.__dataclass_fields__
        return tuple(
            Network(*(stored[f"{name}{k}"].astype(np.float32) for name in fields))
            for k in range(CHECKERS)
        )


def opinions(cells: NDArray[np.float32], positions: list[int]) -> list[NDArray[np.float32]]:
    """Per network, (cells, 37) log posteriors where `positions` are, zero elsewhere: the
    networks are asked only about the cells no check digit of their own covers. Each shift's
    features are computed once and go through every network's hidden layer in one product."""
    nets = networks()
    asked = cells[positions]
    views = np.concatenate([features(asked, dy, dx) for dy, dx in READING_SHIFTS]) * SCALE
    hidden = np.hstack([net.hidden for net in nets])
    inner = np.maximum(views @ hidden + np.concatenate([net.hidden_bias for net in nets]), 0)
    out = []
    for k, net in enumerate(nets):
        z = inner[:, k * HIDDEN : (k + 1) * HIDDEN] @ net.out + net.out_bias
        z -= z.max(axis=1, keepdims=True)
        z -= np.log(np.exp(z).sum(axis=1, keepdims=True))
        found = np.zeros((len(cells), net.out.shape[1]), np.float32)
        found[positions] = z.reshape(len(READING_SHIFTS), len(asked), -1).max(axis=0)
        out.append(found)
    return out


# A third network, learnt as the two from its own random blocks and the same generator photos
# (`benchmarks/mrz_photo_cells.py --write`), shipped beside this file.
PHOTO_NETWORK = Path(__file__).with_name("photo_network.npz")


@lru_cache(maxsize=1)
def photo_network() -> Network:
    """The shipped photo network, loaded once per process, when first asked."""
    with np.load(PHOTO_NETWORK) as stored:
        return Network(*(stored[name].astype(np.float32) for name in Network.__dataclass_fields__))


def photo_opinion(cells: NDArray[np.float32]) -> NDArray[np.float32]:
    """The photo network's (90, 37) log posteriors of `cells`, best over READING_SHIFTS, as
    `opinions` gives each network's: asked only where the two networks alone refuse a read
    (`mrz_reader._rescued`)."""
    net = photo_network()
    views = np.concatenate([features(cells, dy, dx) for dy, dx in READING_SHIFTS]) * SCALE
    z = net.logits(np.asarray(views, np.float32))
    z -= z.max(axis=1, keepdims=True)
    z -= np.log(np.exp(z).sum(axis=1, keepdims=True))
    return np.asarray(z.reshape(len(READING_SHIFTS), len(cells), -1).max(axis=0), np.float32)
