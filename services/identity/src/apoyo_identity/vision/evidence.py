"""Evidence checks on one picture of a support: each a pure function of a decoded image
(uint8, BGR or gray); `picture_flags` gives a card picture's flag codes, and the identity
domain (`support_flags`) adds those of the pictures together.

Thresholds were set on labelled synthetic pictures (`benchmarks/evidence.py`); what each
check measures, its rates and its limits are in docs/evidence-checks.md.
"""

import math
from dataclasses import dataclass
from functools import cache, cached_property

import cv2
import numpy as np
from numpy.typing import NDArray

from apoyo_identity.vision.components import Inked, text_ink
from apoyo_identity.vision.text_rows import text_boxes

Image = NDArray[np.uint8]

# Grayscale: the share of lit pixels whose chromaticity strays from the picture's median.
CHROMA_STEP, COLOUR_SHARE = 0.015, 0.035  # pastel card tints
VIVID_STEP, VIVID_SHARE = 0.03, 0.008  # or a small card of vivid ink in a grey frame
# Photocopy: toner specks per megapixel, or the share of the frame that is blank paper.
SPECKS_PER_MP, PAPER_SHARE = 1200.0, 0.3
# Screen: how much of a tile's spectrum one grating holds, over the card's text area: the
# tiles' 85th percentile over GRATING_SHARE (set on labelled pictures of other seeds than the
# benchmark's, between the weakest screen photo and the highest picture of no screen;
# docs/evidence-checks.md).
GRATING_SHARE, _PERCENTILE = 0.19, 85
# Blur: the steepest edges' slope over their contrast (1/px) on the working copy.
SHARPNESS = 0.22
_EDGE = 40  # an edge's contrast (grey levels across 9 px) is more than this
# Too small: a legible card shows a dozen characters at least this tall (pixels of the
# picture as sent).
MIN_SIDE, MIN_TEXT, MIN_CHARACTERS = 400, 8, 12
# The working copies: grey reduced by a whole factor to at most WORK_SIDE (a whole factor
# is a cheap, exact box average), colours to at most COLOUR_SIDE (160: the benchmark's grey
# calls came out as at 220, at 60% of the time; at 110 one good back was called grey).
WORK_SIDE, COLOUR_SIDE = 700, 160
# The grey copy the MRZ reader reads (`analysis.py`; the screen check read it until
# 2026-11-30).
SCREEN_SIDE = 1400
_TILE = 32  # px of the working copy (64 of a 1280 px photo)
MAX_TILES = 48
_MEDIAN_SAMPLE = 4096
# The band: periods of 2.5 to 15 px of the working copy (5 to 30 of a 1280 px photo).
_SHORTEST, _LONGEST = 2.5, 15
# The spectrum's bins kept: within _REACH of the zero frequency (the band ends at 32/2.5 =
# 12.8 bins, the 3 x 3 sums reach one further), rows -_REACH to _REACH.
_REACH = 14
_CENTRED_ROWS = np.arange(-_REACH, _REACH + 1) % _TILE


@dataclass(frozen=True)
class Views:
    """The copies of one picture that the checks share, each made once."""

    image: Image  # as decoded: BGR, or gray
    gray: Image  # the picture as decoded, in grey
    work: Image  # gray reduced by `factor`, long side at most WORK_SIDE
    factor: int
    # The picture as sent is `reduction` times larger than `gray` (a large photo is decoded
    # at half or quarter size): sizes are judged as sent.
    reduction: int = 1

    @cached_property
    def colour(self) -> Image:
        """BGR (gray if the picture is), long side at most COLOUR_SIDE: made for the checks
        that ask, as only the card sides' flags do (a selfie needs the grey copy alone)."""
        return _colour(self.image)

    @cached_property
    def text_ink(self) -> Inked:
        """The working copy's text ink and its components (`components.text_ink`): the text
        rows' and, when the working copy is the MRZ reader's half-size copy, the reader's
        search's (`analysis.py`)."""
        return text_ink(self.work)

    @cached_property
    def screen(self) -> Image:
        """The grey copy at most SCREEN_SIDE px: the MRZ reader's (`analysis.py`)."""
        return _shrink(self.gray, SCREEN_SIDE)


def _gray(image: Image) -> Image:
    return image if image.ndim == 2 else np.asarray(cv2.cvtColor(image, cv2.COLOR_BGR2GRAY))


def _reduce(image: Image, side: int) -> tuple[Image, int]:
    """Reduced by a whole factor to at most `side`, by halvings while the factor is even:
    OpenCV's area resize by 2 is several times quicker than by 6 or 8 (the rounding between
    halvings moves a pixel by a level or two)."""
    factor = -(-max(image.shape[:2]) // side)
    left = factor
    while left % 2 == 0 and left > 2:
        image, left = _area(image, 2), left // 2
    return _area(image, left), factor


def _area(image: Image, factor: int) -> Image:
    """Each `factor` × `factor` block's average."""
    if factor == 1:
        return image
    small = cv2.resize(image, None, fx=1 / factor, fy=1 / factor, interpolation=cv2.INTER_AREA)
    return np.asarray(small, np.uint8)


def _shrink(image: Image, side: int) -> Image:
    """Area-averaged down to `side` on the long edge (photocopy check only)."""
    scale = side / max(image.shape[:2])
    if scale >= 1:
        return image
    return np.asarray(cv2.resize(image, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA))


def views(
    image: Image, gray: Image | None = None, reduction: int = 1, colour: bool = False
) -> Views:
    """`reduction`: how many times larger the picture was as sent than `image`; `colour`:
    the colour copy will be asked for (a card side), so it is made now, right after the grey
    copies, while the picture is still in the cache (a back's MRZ reader and codes, read
    before its flags, would have evicted it)."""
    gray = _gray(image) if gray is None else gray
    work, factor = _reduce(gray, WORK_SIDE)
    seen = Views(image, gray, work, factor, reduction)
    if colour:
        _ = seen.colour
    return seen


def _colour(image: Image) -> Image:
    """The colour copy, by halvings too (`_reduce`): the grayscale check is not moved by the
    rounding between them (the same calls on the benchmark's pictures)."""
    return _reduce(image, COLOUR_SIDE)[0]


def looks_grayscale(image: Image) -> bool:
    """No colour over the card: a black-and-white photo, scan or photocopy."""
    return _grayscale(_colour(image))


def _grayscale(colour: Image) -> bool:
    """Chromaticity (r, g, b over their sum) rather than Lab chroma: a white-balance cast
    multiplies the channels, which leaves a grey picture's chromaticity uniform, so it is
    measured against the picture's own median. A mostly neutral frame (grey desk, white
    scanner bed) still counts as colour if a few percent of it is card tint or ink."""
    if colour.ndim == 2:
        return True
    # Plane by plane, and the sums by OpenCV (exact in float32): numpy reduces along a
    # length-3 axis, or indexes its rows, many times slower.
    levels = np.asarray(colour, np.float32)
    total = np.asarray(cv2.transform(levels, np.ones((1, 3), np.float32))).ravel()
    lit = total >= 150  # in the dark, chroma is mostly noise
    if np.count_nonzero(lit) < 100:
        return False  # too dark to tell; other checks speak for it
    # The three planes' chromaticities as the rows of one array: one median call, one
    # subtraction (the per-plane calls were half of this check's time on a 160 px copy).
    planes = [np.asarray(plane, np.float32).ravel()[lit] for plane in cv2.split(levels)]
    chroma: NDArray[np.float32] = np.stack(planes)
    chroma /= total[lit]
    # The median of an even sample is as good a reference as the median of all.
    chroma -= _row_medians(chroma[:, :: max(1, chroma.shape[1] // _MEDIAN_SAMPLE)])[:, None]
    stray = np.abs(chroma, out=chroma).max(axis=0)
    coloured = np.count_nonzero(stray > CHROMA_STEP) / stray.size >= COLOUR_SHARE
    return not (coloured or np.count_nonzero(stray > VIVID_STEP) / stray.size >= VIVID_SHARE)


def _row_medians(values: NDArray[np.float32]) -> NDArray[np.float32]:
    """`np.median(values, axis=1)`, exactly, for values without NaN: one selection a row
    and the largest value below it, where `np.median` selects two values and the largest
    (for its NaN check) and averages through `np.mean` (a third of this check's time)."""
    half = values.shape[1] // 2
    ordered = np.partition(values, half, axis=1)
    upper = ordered[:, half]
    if values.shape[1] % 2:
        return upper
    return np.asarray((ordered[:, :half].max(axis=1) + upper) / 2, np.float32)


def _specks_per_megapixel(gray: Image) -> float:
    """Isolated dark dots of a few pixels on a bright ground: the toner a copier scatters."""
    closed = cv2.morphologyEx(gray, cv2.MORPH_CLOSE, cv2.getStructuringElement(0, (7, 7)))
    dots = ((closed.astype(np.int16) - gray > 40) & (closed >= 170)).astype(np.uint8)
    _, _, stats, _ = cv2.connectedComponentsWithStats(dots)
    w, h, area = stats[1:, cv2.CC_STAT_WIDTH], stats[1:, cv2.CC_STAT_HEIGHT], stats[1:, 4]
    return float(np.sum((area <= 9) & (w <= 4) & (h <= 4)) / (gray.size / 1e6))


def looks_photocopy(image: Image) -> bool:
    """Grey, and copier-like: toner specks, or a large blank sheet around the card (a copy
    is a page; a black-and-white photo is mostly card and desk)."""
    return looks_grayscale(image) and _copier_like(_gray(image))


def _copier_like(gray: Image) -> bool:
    gray = _shrink(gray, 1000)
    paper = float(np.mean(gray >= np.percentile(gray, 99.5) - 6))
    return _specks_per_megapixel(gray) >= SPECKS_PER_MP or paper >= PAPER_SHARE


def _text_area(work: Image, boxes: NDArray[np.int64]) -> NDArray[np.float32] | None:
    """The convex hull of the text boxes, as a 0/1 mask the size of `work`."""
    if len(boxes) < MIN_CHARACTERS:
        return None
    corners = np.concatenate([boxes[:, :2], boxes[:, :2] + boxes[:, 2:]]).astype(np.int32)
    mask = np.zeros(work.shape, np.float32)
    cv2.fillConvexPoly(mask, cv2.convexHull(corners), 1.0)
    return np.asarray(mask, np.float32)


def _moire(gray: Image, area: NDArray[np.float32]) -> bool:
    """The tiles inside `area` show one grating: their shares' 85th percentile over
    GRATING_SHARE, of at least 6 tiles (an even sample of at most MAX_TILES, at a bounded
    cost). The 85th rather than the 75th: a screen photo's tiles where the card's print
    outweighs the moiré are the ones that spread, and on the labelled pictures the weakest
    screen photo's 85th percentile stands 21% above the highest of the pictures of no screen
    (17% on the benchmark's seed), its 75th (of the photo's 64 px tiles, as until 2026-11-30)
    stood 12% (5%) above (docs/evidence-checks.md).

    The tiles are judged a few at a time, until the call is settled. The percentile lies
    between the sorted shares at `low` and `high` (numpy's linear interpolation): once
    `high` + 1 tiles are at or under the threshold it is too, and once every tile from
    `low` up can only be over it, it is over. A picture that is no screen photo then needs
    about 85% of the spectra. Each tile's share is its own, so the call is the one all of
    them would give."""
    tops, lefts = _tiles_inside(area, gray.shape)
    kept = _sample(len(tops))
    tops, lefts = tops[kept], lefts[kept]
    count = len(tops)
    if count < 6:
        return False
    rank = _PERCENTILE / 100 * (count - 1)
    low, high = math.floor(rank), math.ceil(rank)
    shares: list[NDArray[np.float64]] = []
    done = under = 0
    while done < count:
        more = done + high + 1 - under  # as many as could settle it under
        shares.append(_grating_shares(gray, tops[done:more], lefts[done:more]))
        done += len(shares[-1])
        under += int(np.count_nonzero(shares[-1] <= GRATING_SHARE))
        if under > high:
            return False
        if done - under >= count - low:
            return True
    return float(np.percentile(np.concatenate(shares), _PERCENTILE)) > GRATING_SHARE


def _sample(count: int) -> NDArray[np.intp]:
    """At most MAX_TILES of `count` tiles (listed row by row), evenly: a step of
    count / MAX_TILES, not rounded up to a whole one, so that the tiles kept do not fall on
    the same columns of every row (a whole step did on a row as long as a multiple of it:
    one 4000 × 3000 copy of a screen photo then kept mostly its portrait's column and
    scored 0.174)."""
    kept = min(count, MAX_TILES)
    return np.arange(kept) * count // kept


def _grating_shares(
    gray: Image, tops: NDArray[np.intp], lefts: NDArray[np.intp]
) -> NDArray[np.float64]:
    """For each _TILE px tile at these corners: the share of its band-pass spectrum (periods
    _SHORTEST to _LONGEST px) that the strongest peak and its 8 neighbour bins hold."""
    if not len(tops):
        return np.zeros(0)
    tiles = _tiles(gray, tops, lefts)
    tiles -= tiles.mean((1, 2), keepdims=True)  # in place: the same values, no copies
    tiles *= _window()
    return _peak_shares(_power(tiles) * _band())


def _tiles(gray: Image, tops: NDArray[np.intp], lefts: NDArray[np.intp]) -> NDArray[np.float32]:
    """The _TILE px tiles at these corners (on the grid of half tiles) as float32, gathered
    in one indexing of the picture's grid of tiles (a view) rather than copied one by one."""
    half = _TILE // 2
    shape = ((gray.shape[0] - _TILE) // half + 1, (gray.shape[1] - _TILE) // half + 1)
    down, along = gray.strides
    grid = np.lib.stride_tricks.as_strided(
        gray, (*shape, _TILE, _TILE), (half * down, half * along, down, along), writeable=False
    )
    return np.asarray(grid[tops // half, lefts // half], np.float32)


def _power(tiles: NDArray[np.float32]) -> NDArray[np.float32]:
    """Each tile's power spectrum, centred on the zero frequency and cut to the bins within
    _REACH of it (the band ends at _TILE / _SHORTEST bins; beyond, the 3 × 3 sums see only
    zeros).

    OpenCV's DFT, tile by tile, takes a quarter of the time of numpy's batched one on these
    tiles, and its packed real output (CCS) half that of its complex one: it holds the
    columns 0 to _TILE / 2, the others mirror them (P[r, c] = P[-r, -c])."""
    packed = np.empty_like(tiles)
    for tile, spectrum in zip(tiles, packed, strict=True):
        cv2.dft(tile, dst=spectrum)
    reach = _REACH
    # Only the rows kept: columns 1 to reach are (Re, Im) pairs in the packed columns 2c - 1
    # and 2c, every row.
    kept = packed[:, _CENTRED_ROWS]
    re, im = kept[:, :, 1 : 2 * reach : 2], kept[:, :, 2 : 2 * reach + 1 : 2]
    centred = np.empty((len(tiles), 2 * reach + 1, 2 * reach + 1), np.float32)
    centred[:, :, reach + 1 :] = re * re + im * im
    # Column 0 is real, so packed down the column: row 0, (Re, Im) pairs, row _TILE / 2.
    column = packed[:, :, 0]
    half = _TILE // 2
    zeroth = np.empty((len(tiles), _TILE), np.float32)
    zeroth[:, 0] = column[:, 0] * column[:, 0]
    zeroth[:, half] = column[:, -1] * column[:, -1]
    re, im = column[:, 1 : _TILE - 1 : 2], column[:, 2 : _TILE - 1 : 2]
    zeroth[:, 1:half] = re * re + im * im
    zeroth[:, half + 1 :] = zeroth[:, half - 1 : 0 : -1]
    centred[:, :, reach] = zeroth[:, _CENTRED_ROWS]
    centred[:, :, :reach] = centred[:, ::-1, :reach:-1]
    return centred


def _peak_shares(power: NDArray[np.float32]) -> NDArray[np.float64]:
    """Per tile: the strongest 3 × 3 bins of its power spectrum over the whole spectrum
    (`_power`'s, whose edges are zeros)."""
    # Each bin, then its neighbours on either side: the order np.roll's sums took.
    across = power[:, :, 1:-1] + power[:, :, :-2] + power[:, :, 2:]
    pooled = across[:, 1:-1] + across[:, :-2] + across[:, 2:]
    # A real tile's spectrum mirrors (P[r, c] = P[-r, -c]): the peak's mirror holds as much
    # again, hence the half.
    total = power.sum((1, 2), dtype=np.float64)
    return np.asarray(pooled.max((1, 2)) / (total + 1e-6) / 2, np.float64)


def _tiles_inside(
    area: NDArray[np.float32], shape: tuple[int, ...]
) -> tuple[NDArray[np.intp], NDArray[np.intp]]:
    """Tops and lefts of the _TILE px tiles of a picture of `shape`, at a stride of half a
    tile, that lie at least 90% inside `area` (a mask of the same picture at any scale), row
    by row."""
    half = _TILE // 2
    rows, cols = shape[0] // half, shape[1] // half
    blocks = cv2.resize(area, (cols, rows), interpolation=cv2.INTER_AREA)
    inside = (blocks[:-1, :-1] + blocks[1:, :-1] + blocks[:-1, 1:] + blocks[1:, 1:]) / 4 >= 0.9
    tops, lefts = np.nonzero(inside)
    return tops * half, lefts * half


@cache
def _window() -> NDArray[np.float32]:
    return np.outer(np.hanning(_TILE), np.hanning(_TILE)).astype(np.float32)


@cache
def _band() -> NDArray[np.bool_]:
    """Periods of _SHORTEST to _LONGEST px, on `_power`'s centred bins."""
    f = np.fft.fftfreq(_TILE)[_CENTRED_ROWS]
    radius = np.hypot(f[:, None], f[None, :])
    return np.asarray((radius >= 1 / _LONGEST) & (radius <= 1 / _SHORTEST))


def looks_screen(image: Image) -> bool:
    """A photo of a screen: moiré, the beat of the camera's pixel grid against the screen's,
    lays one regular grating over the whole card. Printed text and guilloche spread their
    energy over many frequencies instead. Only tiles inside the card's text area count, so
    the desk's wood grain and ruled papers do not."""
    seen = views(image)
    return _screen(seen, _boxes(seen))


def _screen(seen: Views, boxes: NDArray[np.int64]) -> bool:
    # The tiles come from the working copy: the moiré's periods on the labelled pictures,
    # 14 to 30 px of a 1280 px photo, are 7 to 15 there, and its tiles of 32 px tell them
    # as the photo's of 64 px did, at a quarter of the spectra's cost.
    area = _text_area(seen.work, boxes)
    if area is None:
        return False
    return _moire(seen.work, area)


def is_blurry(image: Image) -> bool:
    """Edges are soft: across the picture's contrasty edges, the steepest slopes (99th
    percentile) over the local contrast. A sharp edge climbs in ~2 px, a sigma-s blur over
    ~2.5 s px; dividing by the contrast makes dim or washed-out pictures comparable."""
    return _blurry(views(image).work)


def _blurry(work: Image) -> bool:
    dx = cv2.Sobel(work, cv2.CV_32F, 1, 0)
    slope = cv2.magnitude(dx, cv2.Sobel(work, cv2.CV_32F, 0, 1))
    contrast = cv2.morphologyEx(work, cv2.MORPH_GRADIENT, np.ones((9, 9), np.uint8))
    count = np.count_nonzero(contrast > _EDGE)
    if count < 200:
        return True  # nothing with contrast at all: nothing legible either
    # The edges' 99th percentile is under SHARPNESS when more than 99% of them are: counted,
    # not found by a partial sort, each slope against its contrast's limit (`_soft_limits`).
    soft = np.count_nonzero(slope < cv2.LUT(contrast, _soft_limits()))
    return bool(soft > int(count * 0.99))


@cache
def _soft_limits() -> NDArray[np.float32]:
    """Per contrast level c: the least float32 slope whose ratio slope / (8 c), divided in
    float32, is not under SHARPNESS (0 where c is no edge's). A slope under its limit is
    exactly one whose ratio is, and the ratios need not be divided: the division is
    monotonic, so each level's limit is found by halving the float32 values' bit patterns."""
    divisor = (8 * np.maximum(np.arange(256), 1)).astype(np.float32)
    low = np.zeros(256, np.uint32)  # the bits of 0.0, whose ratio is under it
    high = np.full(256, np.float32(np.inf).view(np.uint32))  # infinity's: not under
    while np.any(high - low > 1):
        middle = low + (high - low) // 2
        under = middle.view(np.float32) / divisor < np.float64(SHARPNESS)
        low, high = np.where(under, middle, low), np.where(under, high, middle)
    limits = high.view(np.float32)
    limits[: _EDGE + 1] = 0  # no slope is under 0: not an edge, not counted
    return np.asarray(limits, np.float32)


def _boxes(seen: Views) -> NDArray[np.int64]:
    """Text boxes found on the working copy, in its coordinates."""
    return text_boxes(seen.work, seen.text_ink)


def is_too_small(image: Image) -> bool:
    """The card's print is too small to read: the image itself is tiny, or it has fewer
    than a dozen characters of legible height lined up in rows (a card far off in a big
    frame; also a picture with no card at all)."""
    seen = views(image)
    return _small(seen, _boxes(seen))


def _small(seen: Views, boxes: NDArray[np.int64]) -> bool:
    if min(seen.gray.shape[:2]) * seen.reduction < MIN_SIDE:
        return True
    scale = seen.factor * seen.reduction  # from the working copy to the picture as sent
    return int(np.sum(boxes[:, 3] * scale >= MIN_TEXT)) < MIN_CHARACTERS


def picture_flags(image: Image, legible: bool) -> list[str]:
    return flags(views(image), legible)


def flags(seen: Views, legible: bool) -> list[str]:
    """Flags of one card picture; `legible` when its MRZ was read, which proves the print
    large and sharp enough whatever the text-size estimate says."""
    found = []
    if _grayscale(seen.colour):
        found.append("GRAYSCALE")
        if _copier_like(seen.gray):
            found.append("PHOTOCOPY")
    boxes = _boxes(seen)  # shared by the screen and the size checks
    if _screen(seen, boxes):
        found.append("SCREEN_PHOTO")
    if legible:
        return found  # a read MRZ proves the print sharp and large enough
    if _blurry(seen.work):
        found.append("BLURRY")  # and its text size cannot be judged
    elif _small(seen, boxes):
        found.append("TOO_SMALL")
    return found
