"""Find the three MRZ rows in a photo and the homography that makes them a flat grid.

Rows are runs of similar blobs along the dominant text direction; the MRZ is the triple of
long runs (about 30 characters each) that share a height, a start, an end and a spacing.
Each row's first and last character centres anchor columns 0 and 29, so rotation, skew and
perspective all come out of one homography; an upside-down card gives the same rows reversed.
"""

from dataclasses import dataclass, replace
from itertools import combinations

import cv2
import numpy as np
from numpy.typing import NDArray

from apoyo_identity.vision.components import Blobs, Labelled, blobs, pairs_within, text_angles
from apoyo_identity.vision.small_arrays import median

ROW_CHARS = 30
MAX_BLOBS = 2500
SIMILAR = 1.9  # neighbours in a row: the larger blob at most this many times the smaller
RUN_TOGETHER = 2.4  # a chain's end and another's start: two characters run together
RUN_TOGETHER_HEIGHT = 1.6  # a blob this much larger than its chain's median: two characters
PIECE = 6  # blobs at a chain's end that say where its row goes on (`_rejoined`)
JOIN_GAP = 4.5  # pitches: the widest gap across which two pieces of a row are joined
ALIKE = 1.3  # two pieces of a row: the larger pitch and height at most this many times
JOIN_ACROSS = 0.3  # heights: how far apart the two pieces' lines may pass where they meet


@dataclass(frozen=True)
class Row:
    start: NDArray[np.float64]  # centre of the first character, image pixels
    end: NDArray[np.float64]
    height: float
    count: int
    across: float  # position across the text direction, to order rows
    centres: NDArray[np.float64]  # every character blob of the row, image pixels


def _rotated(found: Blobs, angle: float) -> NDArray[np.float64]:
    rot = np.array([[np.cos(angle), np.sin(angle)], [-np.sin(angle), np.cos(angle)]])
    return np.asarray(found.centres @ rot.T, dtype=np.float64)


def _chains(
    xy: NDArray[np.float64], h: NDArray[np.float64], nxt: NDArray[np.int64] | None = None
) -> list[NDArray[np.int64]]:
    """Blobs linked to their mutual nearest neighbour along the text direction, as chains
    (`nxt`: those links, if made already).

    Linking only mutual neighbours of similar size keeps clutter between rows from bridging
    them; a gap of up to about two pitches is allowed for a character lost to glare.
    """
    if nxt is None:
        nxt = _mutual_right(xy, h)
    starts = set(range(len(h))) - set(nxt[nxt >= 0].tolist())
    long = _reaches(nxt, 17)  # most chains are a blob or two: not followed one by one
    chains = []
    for start in starts:
        if not long[start]:
            continue
        chain = [start]
        while nxt[chain[-1]] >= 0 and len(chain) < 60:
            chain.append(int(nxt[chain[-1]]))
        if len(chain) < 18:
            continue
        regular = _regular(_single(np.array(chain), h), xy)
        if len(regular) >= 18:
            chains.append(regular)
    return chains


def _rejoined(
    nxt: NDArray[np.int64], xy: NDArray[np.float64], h: NDArray[np.float64]
) -> NDArray[np.int64]:
    """`nxt` with a chain's end linked to the start of the chain that goes on along its row
    across a gap of up to JOIN_GAP pitches: a blob twice as tall as the row's (a character
    run into one of another line), which no neighbour links to, or a few characters lost to
    glare broke rows into pieces too short for a row (14 + 13 and 16 + 13 blobs on level-3
    development photos). Pieces of PIECE blobs or more are joined where their pitches and
    heights agree within ALIKE and their lines meet, each end to its nearest such start and
    back."""
    prev = np.full(len(nxt), -1, np.int64)
    linked = np.flatnonzero(nxt >= 0)
    prev[nxt[linked]] = linked
    last = _pieces(prev, np.flatnonzero((nxt < 0) & (prev >= 0)))[:, ::-1]
    first = _pieces(nxt, np.flatnonzero((prev < 0) & (nxt >= 0)))
    if len(last) == 0 or len(first) == 0:
        return nxt
    ends, starts = last[:, -1], first[:, 0]
    tails, heads = _shapes(last, xy, h), _shapes(first, xy, h)
    # Each as (pitch, height, slope, intercept), end against start: (ends, starts).
    pitch = (tails[:, None, 0] + heads[None, :, 0]) / 2
    gap = xy[starts, 0][None, :] - xy[ends, 0][:, None]
    x = xy[starts, 0][None, :]
    across = np.abs(
        tails[:, None, 2] * x + tails[:, None, 3] - (heads[None, :, 2] * x + heads[None, :, 3])
    )
    alike = np.maximum(tails[:, None, :2], heads[None, :, :2]) <= ALIKE * np.minimum(
        tails[:, None, :2], heads[None, :, :2]
    )
    fits = (gap > 0.5 * pitch) & (gap <= JOIN_GAP * pitch) & alike.all(axis=2)
    fits &= across <= JOIN_ACROSS * np.minimum(tails[:, None, 1], heads[None, :, 1])
    cost = np.where(fits, gap, np.inf)
    to_start, to_end = cost.argmin(axis=1), cost.argmin(axis=0)
    out = nxt.copy()
    for k, start in enumerate(to_start):
        if np.isfinite(cost[k, start]) and to_end[start] == k:
            out[ends[k]] = starts[start]
    return out


def _pieces(step: NDArray[np.int64], first: NDArray[np.int64]) -> NDArray[np.int64]:
    """(pieces, PIECE): PIECE blobs from each of `first` on, following `step`, for those
    whose chain goes that far."""
    out = np.empty((len(first), PIECE), np.int64)
    out[:, 0] = first
    for k in range(1, PIECE):
        out[:, k] = np.where(out[:, k - 1] >= 0, step[np.maximum(out[:, k - 1], 0)], -1)
    return out[(out >= 0).all(axis=1)]


def _shapes(
    pieces: NDArray[np.int64], xy: NDArray[np.float64], h: NDArray[np.float64]
) -> NDArray[np.float64]:
    """(pieces, 4): each piece's pitch and height (medians) and the line (slope, intercept)
    through its blobs."""
    x, y = xy[pieces, 0], xy[pieces, 1]
    dx = x - x.mean(axis=1, keepdims=True)
    slope = (dx * (y - y.mean(axis=1, keepdims=True))).sum(axis=1) / np.maximum(
        (dx * dx).sum(axis=1), 1e-9
    )
    intercept = y.mean(axis=1) - slope * x.mean(axis=1)
    # Medians of a few values a row, by sorting (np.median's overhead is most of its time).
    steps, heights = np.sort(np.diff(x, axis=1), axis=1), np.sort(h[pieces], axis=1)
    pitch = (steps[:, (PIECE - 2) // 2] + steps[:, (PIECE - 1) // 2]) / 2
    height = (heights[:, (PIECE - 1) // 2] + heights[:, PIECE // 2]) / 2
    return np.stack([pitch, height, slope, intercept], axis=1)


def _single(chain: NDArray[np.int64], h: NDArray[np.float64]) -> NDArray[np.int64]:
    """The chain without blobs of two characters run together, nor pieces of one that glare
    broke, which the links between unlike blobs let in: their centres lie between columns
    (pieces at a row's end so linked moved the row's end, and a level-3 photo that read no
    longer did); the gap they leave is a lost character's."""
    typical = median(h[chain])
    return chain[(h[chain] <= RUN_TOGETHER_HEIGHT * typical) & (h[chain] * SIMILAR >= typical)]


def _reaches(nxt: NDArray[np.int64], steps: int) -> NDArray[np.bool_]:
    """Whether following `nxt` (-1: the end) from each blob takes `steps` steps: the links
    followed 1, 2, 4, ... steps at a time (each power of two a composition of the last with
    itself), for the powers `steps` is the sum of."""
    ahead, stride = np.arange(len(nxt)), np.asarray(nxt)
    while steps:
        if steps & 1:
            ahead = np.where(ahead >= 0, stride[np.maximum(ahead, 0)], -1)
        steps >>= 1
        if steps:
            stride = np.where(stride >= 0, stride[np.maximum(stride, 0)], -1)
    return np.asarray(ahead >= 0)


def _mutual_right(xy: NDArray[np.float64], h: NDArray[np.float64]) -> NDArray[np.int64]:
    """Each blob's mutual nearest neighbour to its right, or -1."""
    i, j = pairs_within(xy, 2.3 * h, 0.35 * h)  # dx and dy as tested below
    dx = xy[j, 0] - xy[i, 0]
    dy = np.abs(xy[j, 1] - xy[i, 1])
    scale = np.maximum(h[i], h[j])
    near = (dx > 0.4 * scale) & (dx < 2.3 * scale) & (dy < 0.35 * scale)
    cost = dx + 3 * dy
    alike = np.minimum(h[i], h[j]) * SIMILAR >= scale
    nxt = _mutual(i[near & alike], j[near & alike], cost[near & alike], len(h))
    # Two characters run together make one blob about twice as wide as its neighbours, and
    # the chain broke there (level-3 development photos: a row of 17 and one of 12 blobs).
    # A chain's end and another's start may link if they are no more than twice as unlike.
    ends = nxt < 0
    starts = np.ones(len(h), bool)
    starts[nxt[nxt >= 0]] = False
    run = near & ~alike & ends[i] & starts[j] & (np.minimum(h[i], h[j]) * RUN_TOGETHER >= scale)
    bridged = _mutual(i[run], j[run], cost[run], len(h))
    return np.where(nxt >= 0, nxt, bridged)


def _mutual(
    i: NDArray[np.int64], j: NDArray[np.int64], cost: NDArray[np.float64], n: int
) -> NDArray[np.int64]:
    """Each blob's right partner among the pairs (i, j) when each is the other's cheapest."""
    right = _cheapest(i, j, cost, n)
    left = _cheapest(j, i, cost, n)
    mutual = (right >= 0) & (left[np.maximum(right, 0)] == np.arange(n))
    return np.where(mutual, right, -1)


def _cheapest(
    owner: NDArray[np.int64], other: NDArray[np.int64], cost: NDArray[np.float64], n: int
) -> NDArray[np.int64]:
    """For each of n blobs, the `other` of its cheapest pair where it is the `owner`, or -1."""
    out = np.full(n, -1, dtype=np.int64)
    if len(owner) == 0:
        return out
    order = np.lexsort((cost, owner))
    owners = owner[order]  # sorted: each owner's first pair is its cheapest
    first = np.flatnonzero(np.concatenate(([True], owners[1:] != owners[:-1])))
    out[owners[first]] = other[order][first]
    return out


def _regular(chain: NDArray[np.int64], xy: NDArray[np.float64]) -> NDArray[np.int64]:
    """The part of a chain that can be one MRZ row: steady pitch, at most 30 pitches long.

    Chains break at wide gaps; the longest piece is kept and its neighbours are joined back,
    the larger first, while the whole still spans no more than a row (a lost character
    leaves a double gap inside the row; clutter past the card edge lies beyond the row's 29
    pitches). Taken in turn, a speck before a row's first half came first and left no room
    for its second (level-3 development photos: pieces of 1, 14 and 14 blobs).
    """
    if len(chain) < 2:
        return chain
    steps = np.diff(xy[chain, 0])
    pitch = median(steps)
    pieces = np.split(chain, np.nonzero(steps > 1.8 * pitch)[0] + 1)
    pieces = [_steady(piece, xy, pitch) for piece in pieces]
    lo = hi = max(range(len(pieces)), key=lambda k: len(pieces[k]))
    while True:
        fits = [
            k
            for k in (lo - 1, hi + 1)
            if 0 <= k < len(pieces)
            and _spanned(pieces[min(lo, k) : max(hi, k) + 1], xy, pitch) <= ROW_CHARS - 0.6
        ]
        if not fits:
            return np.concatenate(pieces[lo : hi + 1])
        grown = max(fits, key=lambda k: len(pieces[k]))
        lo, hi = min(lo, grown), max(hi, grown)


def _spanned(pieces: list[NDArray[np.int64]], xy: NDArray[np.float64], pitch: float) -> float:
    """How many pitches the pieces span, each in its own pitch (a piece of two blobs or
    fewer, the chain's `pitch`) and each gap in the mean of its neighbours': perspective
    made a row's pitch shrink from 16.8 to 12 px along it, and in their median its two
    halves spanned 29.9 pitches, too long for a row."""
    own = [median(np.diff(xy[piece, 0])) if len(piece) > 2 else pitch for piece in pieces]
    total = 0.0
    for k, piece in enumerate(pieces):
        total += float(xy[piece[-1], 0] - xy[piece[0], 0]) / own[k]
        if k:
            total += float(xy[piece[0], 0] - xy[pieces[k - 1][-1], 0]) * 2 / (own[k] + own[k - 1])
    return total


def _steady(piece: NDArray[np.int64], xy: NDArray[np.float64], pitch: float) -> NDArray[np.int64]:
    """Drop end blobs whose spacing breaks the pitch (a smudge right after the last one)."""
    while len(piece) > 2:
        steps = np.diff(xy[piece, 0])
        if abs(steps[0] - pitch) > 0.3 * pitch:
            piece = piece[1:]
        elif abs(steps[-1] - pitch) > 0.3 * pitch:
            piece = piece[:-1]
        else:
            break
    return piece


def _row(points: NDArray[np.float64], heights: NDArray[np.float64], angle: float) -> Row:
    x, y = points[:, 0], points[:, 1]
    mean_x, mean_y = x.mean(), y.mean()  # each taken once
    dx = x - mean_x
    slope = float((dx * (y - mean_y)).sum() / max(float((dx * dx).sum()), 1e-9))
    intercept = float(mean_y - slope * mean_x)
    x0, x1 = x.min(), x.max()
    ends = np.array([[x0, slope * x0 + intercept], [x1, slope * x1 + intercept]])
    back = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    start, end = ends @ back.T
    return Row(
        start,
        end,
        median(heights),
        len(points),
        float(mean_y),
        points @ back.T,
    )


def _triple_score(rows: tuple[Row, Row, Row], angle: float) -> float:
    """Rows of one MRZ: evenly spaced, two of them about as long, the third not much shorter
    (glare or shadow can take a few characters off the end of one line)."""
    spans = sorted(end - start for start, end in _along(rows, angle))
    pitch = spans[2] / (ROW_CHARS - 1)
    if spans[2] > 1.25 * spans[1] or spans[0] < 0.6 * spans[2] or max(r.count for r in rows) > 36:
        return -1.0
    gaps = [rows[i + 1].across - rows[i].across for i in range(2)]
    spaced = 0.9 * pitch < min(gaps) and max(gaps) < 2.6 * pitch and max(gaps) < 1.3 * min(gaps)
    if not spaced:
        return -1.0
    return float(sum(min(r.count, ROW_CHARS) for r in rows))


def _along(rows: tuple[Row, ...], angle: float) -> list[tuple[float, float]]:
    """Where each row starts and ends along the text direction."""
    direction = np.array([np.cos(angle), np.sin(angle)])
    return [(float(r.start @ direction), float(r.end @ direction)) for r in rows]


def _completed(rows: tuple[Row, Row, Row]) -> tuple[Row, Row, Row]:
    """A row that lost end characters to glare or shadow (fewer than 30 blobs), stretched to
    where the other two put its ends: all three lines are 30 symbols, fillers included, and
    evenly spaced, so each end lies on the line through the other rows' ends (not straight
    across: a tilted photo shears the block)."""
    out = list(rows)
    for k, row in enumerate(rows):
        if row.count >= ROW_CHARS:
            continue
        length = float(np.linalg.norm(row.end - row.start))
        unit = (row.end - row.start) / max(length, 1e-6)
        pitch = length / (row.count - 1) if row.count > 1 else 0.0
        start, end = (_expected([r.start for r in rows], k), _expected([r.end for r in rows], k))
        early = float((row.start - start) @ unit)  # how far before this row's first blob
        late = float((end - row.end) @ unit)
        out[k] = replace(
            row,
            start=row.start - early * unit if early > 0.5 * pitch else row.start,
            end=row.end + late * unit if late > 0.5 * pitch else row.end,
        )
    return out[0], out[1], out[2]


def _expected(points: list[NDArray[np.float64]], k: int) -> NDArray[np.float64]:
    """Point k of three evenly spaced ones, from the other two."""
    a, b, c = points
    return [2 * b - c, (a + c) / 2, 2 * b - a][k]


def find_rows(
    gray: NDArray[np.uint8], inked: Labelled | None = None
) -> tuple[Row, Row, Row] | None:
    """`inked`: the components of an ink of `gray` to search (`components.blobs`)."""
    found = blobs(gray, inked)
    # Pairing blobs takes memory that grows with their number squared: a picture of clutter
    # (or a hostile one) with thousands of blobs has no MRZ worth that much.
    if not 60 <= len(found.heights) <= MAX_BLOBS:
        return None
    for angle in text_angles(found):
        xy = _rotated(found, angle)
        nxt = _mutual_right(xy, found.heights)
        # Rows broken in two are joined back only where the chains as linked give no MRZ:
        # most photos' rows are whole, and `_rejoined` would cost them a tenth of the search.
        for links in (nxt, None):
            chains = _chains(
                xy, found.heights, _rejoined(nxt, xy, found.heights) if links is None else links
            )
            best = _best_triple(chains, xy, found.heights, angle)
            if best is not None:
                return _completed(best)
    return None


def _best_triple(
    chains: list[NDArray[np.int64]], xy: NDArray[np.float64], h: NDArray[np.float64], angle: float
) -> tuple[Row, Row, Row] | None:
    """The three chains most like an MRZ's rows (`_triple_score`), or None."""
    candidates = [_row(xy[c], h[c], angle) for c in chains]
    candidates.sort(key=lambda r: r.across)
    best, best_score = None, 0.0
    for triple in combinations(candidates, 3):
        score = _triple_score(triple, angle)
        if score > best_score:
            best, best_score = triple, score
    return best


def homography(
    rows: tuple[Row, Row, Row], pitch: int, row_step: float, margin: int, upside_down: bool
) -> NDArray[np.float64]:
    """Image → canonical grid where column c, row r centre at (margin + (c + .5)·pitch, ...).

    The first two lines are full of characters from end to end, and a slip there fails their
    check digits. The third line (names, no check digit) may lack a first or last blob; an
    anchor of it that the first two lines place more than half a pitch away is left out, or
    the whole line would be read a column off, and wrongly.
    """
    ordered = rows[::-1] if upside_down else rows
    anchors = [
        (r, end, point)
        for r, row in enumerate(ordered)
        for end, point in enumerate((row.end, row.start) if upside_down else (row.start, row.end))
    ]

    def target(r: int, end: int) -> list[float]:
        return [margin + (0.5 if end == 0 else ROW_CHARS - 0.5) * pitch, margin + r * row_step]

    first_two = [(r, e, p) for r, e, p in anchors if r < 2]
    matrix = _fit([p for *_, p in first_two], [target(r, e) for r, e, _ in first_two])
    kept = first_two + [
        (r, e, p) for r, e, p in anchors if r == 2 and _off(matrix, p, target(r, e)) < 0.5 * pitch
    ]
    return _fit([p for *_, p in kept], [target(r, e) for r, e, _ in kept])


def _fit(src: list[NDArray[np.float64]], dst: list[list[float]]) -> NDArray[np.float64]:
    matrix, _ = cv2.findHomography(np.array(src), np.array(dst), 0)
    return np.asarray(matrix, dtype=np.float64)


def _off(matrix: NDArray[np.float64], point: NDArray[np.float64], want: list[float]) -> float:
    mapped = cv2.perspectiveTransform(point.reshape(1, 1, 2).astype(np.float64), matrix)[0, 0]
    return float(abs(mapped[0] - want[0]))
