"""Read the MRZ off a photo of the back of the credential."""

from collections.abc import Callable, Sequence
from dataclasses import replace

import cv2
import numpy as np
from numpy.typing import NDArray

from apoyo_identity.mrz_decode import (
    RESCUE_MARGIN,
    RESCUE_UNSURE,
    SHIFT_DOUBT_MARGIN,
    STROKES_LOST_MARGIN,
    TOPLESS_MARGIN,
    UNCHECKED,
    clear,
    decode,
    faint_but_clear,
    faint_letters,
    faint_ones,
    glare_margins_hold,
    lookalike_near,
    networks_prefer,
    ones_clear_at_shifts,
    shift_doubted,
    short_of_margin,
    swaps_vouched,
    tied_as_cut,
    undisputed_letters,
    unseen_pair_doubted,
    unsure_against,
    vouched,
    washed_out_vouched,
)
from apoyo_identity.rules.mrz import CHARSET, MrzRead
from apoyo_identity.vision.align import column_centres, line_drop
from apoyo_identity.vision.cells import MARGIN, ROW_STEP, cut, rectify
from apoyo_identity.vision.checker import opinions, photo_opinion
from apoyo_identity.vision.classifier import scores
from apoyo_identity.vision.columns import numbered
from apoyo_identity.vision.components import Inked, blobs, text_ink
from apoyo_identity.vision.glyphs import PITCH
from apoyo_identity.vision.grid import (
    Grid,
    Placement,
    flattened,
    likeliest_grid,
    neighbours,
    turned,
)
from apoyo_identity.vision.locate import Row, find_rows, homography
from apoyo_identity.vision.outlines import outline_doubted
from apoyo_identity.vision.registration import even_grid, likeliest_symbols, matched_centres

WORKING_SIDE = 1400
HALF_SIZE_FROM = 1000
# When no grid's cells as cut pass the check digits, they choose once more among the likeliest
# grid's scores at the best of nine shifts: a cell a little off (glare moves the blobs the
# columns follow) can read there (docs/identity.md). Last, as it costs nine scorings.
SHIFTED_SLACK = 1
# How far the reader's cells lie, on average, left of and above where the generator drew the
# characters, per line (canonical px; `benchmarks/mrz_failures.py` on 640 level-3 development
# photos, seeds 1002-1033). The models learnt on the reader's own cut, and cut there first
# the cells read fewer (docs/identity.md); so the likeliest grid's cells are moved by this,
# by half of it and by one and a half times it, and cut again, last, when nothing else read
# (the cells' spread about it, 0.2-0.5 px, is about as large as the mean).
CUT_BIAS = np.array([[[0.43, 0.59]], [[0.32, 0.35]], [[0.43, 0.25]]])
BIAS_SCALES = (1.0, 0.5, 1.5)
# Last of all, the bias along one axis alone (across the line, then down it): the cells' spread
# about the mean bias differs by line and axis. Each such cut is one more chance for a wrong
# name line to pass, so its read needs each network to prefer every sex and name letter by
# STROKES_LOST_MARGIN (an M for an N on seeds 7000-7031 passed every other check, the
# networks preferring it by 0.29 and 0.25; docs/identity.md).
AXIS_SCALES = (np.array([[[1.0, 0.0]]]), np.array([[[0.0, 1.0]]]))
# And the cells moved up by half a pixel, read as strictly: the cells' spread about the bias
# (0.3-0.6 px down a line) leaves some photos cut low, which no cut moved down reads
# (4 more of 3,200 level-3 development photos, docs/identity.md).
RAISED = np.array([[[0.0, -0.5]]])
# Then the cells where the lines as read match the MRZ best (`registration`), and where the
# homography alone puts them (the even grid, lowered by `align.line_drop`, without the
# blobs' column medians and row curves): placed otherwise than from the blobs' ink centres,
# they read photos no cut above reads. Read as strictly as the axis cuts: read as the others,
# one let a name's O through as Q (docs/identity.md, "Lines matched as read"). Last, the
# lines matched moved half a pixel up, left and down, as strictly: a line's place is matched
# to within 0.15 px across and 0.25-0.3 px down from one photo to the next.
MATCHED_MOVES = (np.array([0.0, -0.5]), np.array([-0.5, 0.0]), np.array([0.0, 0.5]))
# On these cuts a name's O read as Q twice, on fresh ranges, each network preferring Q by 0.5
# or more (22021/17, 22064/3; main reads such O's as Q or D too): a tail or a straight side
# that grain and glare give an O. A sex or name letter read as one of these on them must beat
# O by TOPLESS_MARGIN both as cut and at the best of nine shifts (docs/identity.md).
ROUND = {letter: ("O", TOPLESS_MARGIN) for letter in "QD"}


def working_gray(image: NDArray[np.uint8]) -> NDArray[np.uint8]:
    gray = image if image.ndim == 2 else cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    side = max(gray.shape)
    if side > WORKING_SIDE:
        scale = WORKING_SIDE / side
        gray = cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    return np.asarray(gray, dtype=np.uint8)


def locate_rows(
    gray: NDArray[np.uint8], half: NDArray[np.uint8] | None = None
) -> tuple[Row, Row, Row] | None:
    """Rows found on a half-size copy when the photo is large (four times fewer pixels and
    blobs to pair up), else, or failing that, at full size. `half`: that copy, if made."""
    coarse = rows_at_half_size(gray, half)
    return refined(gray, coarse) if coarse is not None else find_rows(gray)


def rows_at_half_size(
    gray: NDArray[np.uint8], half: NDArray[np.uint8] | None = None, inked: Inked | None = None
) -> tuple[Row, Row, Row] | None:
    """The rows found on the half-size copy, in full-size pixels; None for a small photo.
    They are searched among the text rows' ink (`components.text_ink`; `inked`: that of
    `half`, if made)."""
    if max(gray.shape) < HALF_SIZE_FROM:
        return None
    if half is None:
        inked = None
        half = np.asarray(cv2.resize(gray, None, fx=0.5, fy=0.5, interpolation=cv2.INTER_AREA))
    half = np.asarray(half, dtype=np.uint8)
    rows = find_rows(half, (text_ink(half) if inked is None else inked)[1])
    return (
        None if rows is None else (scaled(rows[0], 2.0), scaled(rows[1], 2.0), scaled(rows[2], 2.0))
    )


def scaled(row: Row, factor: float) -> Row:
    return replace(
        row,
        start=row.start * factor,
        end=row.end * factor,
        height=row.height * factor,
        across=row.across * factor,
        centres=row.centres * factor,
    )


def refined(gray: NDArray[np.uint8], rows: tuple[Row, Row, Row]) -> tuple[Row, Row, Row]:
    """Character centres measured again at full size, around the rows found at half size."""
    corners = np.vstack([np.vstack([r.start, r.end]) for r in rows])
    pad = 2 * max(r.height for r in rows)
    x0, y0 = np.maximum(corners.min(axis=0) - pad, 0).astype(int)
    x1, y1 = (corners.max(axis=0) + pad).astype(int)
    found = blobs(np.ascontiguousarray(gray[y0:y1, x0:x1]))
    centres = found.centres + np.array([x0, y0])
    return (_on_row(rows[0], centres), _on_row(rows[1], centres), _on_row(rows[2], centres))


def _on_row(row: Row, centres: NDArray[np.float64]) -> Row:
    direction = (row.end - row.start) / max(float(np.linalg.norm(row.end - row.start)), 1e-6)
    rel = centres - row.start
    along = rel @ direction
    across = rel @ np.array([-direction[1], direction[0]])
    span = float(np.linalg.norm(row.end - row.start))
    near = (np.abs(across) < 0.35 * row.height) & (along > -0.5 * row.height)
    near &= along < span + 0.5 * row.height
    if near.sum() < 0.6 * row.count:
        return row
    return replace(row, centres=centres[near])


def read_mrz(
    image: NDArray[np.uint8], half: NDArray[np.uint8] | None = None, inked: Inked | None = None
) -> MrzRead | None:
    """`half`: the grey `image` halved by area averaging, if the caller already has it;
    `inked`: the text rows' ink of `half` and its components (`components.text_ink`), if
    made."""
    gray = working_gray(image)
    coarse = rows_at_half_size(gray, half, inked) if gray is image else rows_at_half_size(gray)
    if coarse is not None:
        read = _clear_at_half_size(gray, coarse)
        if read is not None:
            return read
    rows = refined(gray, coarse) if coarse is not None else find_rows(gray)
    if rows is None:
        return None
    counted = [numbered(row) for row in rows]
    if any(row is None for row in counted):
        return _read_by_ends(gray, rows)
    grid = (counted[0], counted[1], counted[2])
    flat, centres, placement = likeliest_grid(gray, rows, grid, ROW_STEP)  # type: ignore[arg-type]
    cells = cut(flat, centres)
    read = _decoded(*cells)
    if read is not None:
        return read
    for moved_grid, moved in neighbours(grid, placement):  # type: ignore[arg-type]
        read = _placed_read(gray, rows, moved_grid, moved)
        if read is not None:
            return read
    read = _placed_read(gray, rows, grid, turned(gray, grid, ROW_STEP, placement))  # type: ignore[arg-type]
    return read or _likeliest_again(flat, centres, cells)


def _likeliest_again(
    flat: NDArray[np.uint8],
    centres: NDArray[np.float64],
    cells: tuple[NDArray[np.float32], NDArray[np.float32]],
) -> MrzRead | None:
    """The likeliest grid, when nothing read: its `cells` with the check digits choosing at
    the best of nine shifts, then cut again nearer where the characters are drawn, then
    moved so along one axis alone, then moved up half a pixel, and last cut where its lines
    as read match best, where the homography alone puts them, and around the first."""
    read = _decoded(*cells, slack=SHIFTED_SLACK)
    for scale in BIAS_SCALES:
        read = read or _decoded(*cut(flat, centres + scale * CUT_BIAS))
    for shift in (*(axis * CUT_BIAS for axis in AXIS_SCALES), RAISED):
        read = read or _vouched_strictly(*cut(flat, centres + shift))
    if read is not None:
        return read
    symbols = likeliest_symbols(scores(cells[0], slack=0))
    matched = matched_centres(flat, symbols, ROW_STEP)
    for placed in (matched, _homography_grid(), *(matched + move for move in MATCHED_MOVES)):
        read = read or _round_kept(*cut(flat, placed))
    return read


def _round_kept(cells: NDArray[np.float32], contrast: NDArray[np.float32]) -> MrzRead | None:
    """`_vouched_strictly`'s read, unless a sex or name letter Q or D in it beats O by less
    than TOPLESS_MARGIN as cut or at the best of nine shifts (`ROUND`)."""
    read = _vouched_strictly(cells, contrast)
    if read is None:
        return None
    text = "".join(read.lines)
    tailed = [p for p in UNCHECKED if text[p] in ROUND]
    if not tailed:
        return read
    as_cut, at_shifts = scores(cells[tailed], slack=0), scores(cells[tailed])
    for row, position in enumerate(tailed):
        if lookalike_near(text[position], as_cut[row], at_shifts[row], ROUND):
            return None
    return read


def _homography_grid() -> NDArray[np.float64]:
    """The even grid with each line lowered by what its usual content puts above the
    blobs' ink centres (`align.line_drop`), as the homography alone places the cells."""
    centres = even_grid(ROW_STEP)
    centres[:, :, 1] += np.array([line_drop(line) for line in range(3)])[:, None]
    return centres


def _vouched_strictly(cells: NDArray[np.float32], contrast: NDArray[np.float32]) -> MrzRead | None:
    """`_decoded`'s read, if each network also prefers every sex and name letter by
    STROKES_LOST_MARGIN: each last cut is one more chance for a wrong name line to pass."""
    read = _decoded(cells, contrast)
    if read is None:
        return None
    others = opinions(cells, list(UNCHECKED))
    return (
        read
        if networks_prefer(others, "".join(read.lines), UNCHECKED, STROKES_LOST_MARGIN)
        else None
    )


def _clear_at_half_size(gray: NDArray[np.uint8], rows: tuple[Row, Row, Row]) -> MrzRead | None:
    """The read of the grid that the rows found at half size give, when it is `clear` (the
    cascade's certain read, no second opinion needed); else None, and the rows are measured
    again at full size. A clear photo, most of what arrives, skips that second search for
    blobs (on level 0-2 development photos 80-95% did, and read what they read before)."""
    counted = [numbered(row) for row in rows]
    if counted[0] is None or counted[1] is None or counted[2] is None:
        return None
    grid = (counted[0], counted[1], counted[2])
    flat, centres, _ = likeliest_grid(gray, rows, grid, ROW_STEP)
    return judged(*cut(flat, centres), only_clear=True)[0]


def _placed_read(
    gray: NDArray[np.uint8], rows: tuple[Row, Row, Row], grid: Grid, placement: Placement
) -> MrzRead | None:
    _, flat, centres = flattened(gray, rows, grid, ROW_STEP, placement)
    return _decoded(*cut(flat, centres))


def _decoded(
    cells: NDArray[np.float32], contrast: NDArray[np.float32], slack: int = 0
) -> MrzRead | None:
    """The read of 90 cells scored as cut (once the columns follow the blobs' medians, cells
    as cut are right more often than at the best of nine shifts: 97.0% against 96.4% on
    level-3 development photos), but a letter as cut can gain a confidence it should not
    have (an O cut a little off read as a C by 25), so the best of nine shifts must agree
    on the sex and name letters, which no check digit covers (where the composite digit
    alone does, the networks suffice: asking it there too refused 27 right level-3 reads of
    3,200 and no wrong one, docs/identity.md). That and the networks are asked only when the
    cells as cut read, and not when every character as cut is `clear` (the cascade: a
    second opinion only where the first is not already certain).

    `slack`: the check digits choose among the scores at the best of (2·slack + 1)² shifts,
    not as cut; asked of the likeliest grid when no grid reads as cut (the letters' checks
    stay as cut)."""
    return judged(cells, contrast, slack)[0]


def judged(
    cells: NDArray[np.float32],
    contrast: NDArray[np.float32],
    slack: int = 0,
    only_clear: bool = False,
) -> tuple[MrzRead | None, str]:
    """`_decoded`'s read, and the step that refused it ("read" when none did), for the
    measuring scripts (benchmarks/mrz_failures.py) to tell failures apart. `only_clear`:
    a read that is not `clear` is refused, without asking the second opinions."""
    found = scores(cells, slack=0)
    chosen = scores(cells, slack=slack) if slack else found
    read = decode(chosen, 0.0)  # the letters' margins: `certain`, below
    if read is None:
        return None, "check digits / layout"
    text = "".join(read.lines)
    if not slack and not faint_letters(text, contrast) and clear(found, text):
        return read, "read"  # the cascade: no shifts nor networks for a read this clear
    if only_clear:
        return None, "not clear"
    refusal = _second_opinions(cells, found, chosen, text, contrast)
    return (read, "read") if refusal is None else (None, refusal)


def _second_opinions(
    cells: NDArray[np.float32],
    found: NDArray[np.float32],
    chosen: NDArray[np.float32],
    text: str,
    contrast: NDArray[np.float32],
) -> str | None:
    """The step of the best of nine shifts and the networks that refuses `text` (the
    check digits' choice among the scores `chosen`; `found`: the scores as cut; `contrast`:
    each cell's, `cells.contrast`), or None."""
    faint = faint_letters(text, contrast)
    ones = faint_ones(text, contrast)
    asked = [*UNCHECKED, *ones]
    shifted = np.zeros((len(cells), len(CHARSET)), np.float32)
    shifted[asked] = scores(cells[asked])
    if not (
        faint_but_clear(found, shifted, text, faint) and ones_clear_at_shifts(shifted, text, ones)
    ):
        return "washed-out letter"
    doubted = shift_doubted(found, shifted, text)
    if doubted is None:
        return "letter margins"
    others = opinions(cells, list(range(len(cells))))

    def letters_refused(nets: Sequence[NDArray[np.float32]]) -> str | None:
        return _letters_refused(nets, found, shifted, text, contrast, doubted)

    refusal = letters_refused(others)
    if refusal is not None and not _rescued(cells, others, text, letters_refused):
        return refusal
    return _swaps_pairs_and_outlines(cells, others, chosen, text)


def _letters_refused(
    others: Sequence[NDArray[np.float32]],
    found: NDArray[np.float32],
    shifted: NDArray[np.float32],
    text: str,
    contrast: NDArray[np.float32],
    doubted: list[int],
) -> str | None:
    """The step of the networks' checks on the letters (`others`: each network's (90, 37)
    log posteriors) that refuses `text`, or None."""
    if not washed_out_vouched(others, found, text, contrast):
        return "washed-out letter"
    if not (
        networks_prefer(others, text, doubted, SHIFT_DOUBT_MARGIN)
        and networks_prefer(others, text, tied_as_cut(found, text), STROKES_LOST_MARGIN)
    ):
        return "letter margins"
    if not vouched(others, text, undisputed_letters(found, shifted, text, contrast)):
        return "networks"
    return None


def _rescued(
    cells: NDArray[np.float32],
    others: Sequence[NDArray[np.float32]],
    text: str,
    letters_refused: Callable[[Sequence[NDArray[np.float32]]], str | None],
) -> bool:
    """Whether the photo network (`checker.photo_opinion`) takes the letters the networks'
    checks refused: no network is sure of another character anywhere no check digit of
    its own covers (`unsure_against`, RESCUE_UNSURE), both hold the letters glare makes of
    others by their margins (`glare_margins_hold`), and the photo network alone passes
    every check the two had to pass (`letters_refused`: `_letters_refused` for `text`),
    preferring each character the two left short of its
    margin by RESCUE_MARGIN. Asked only of a read nothing but the networks refused."""
    if not (unsure_against(others, text, RESCUE_UNSURE) and glare_margins_hold(others, text)):
        return False
    photo = [photo_opinion(cells)]
    return letters_refused(photo) is None and (
        networks_prefer(photo, text, short_of_margin(others, text), RESCUE_MARGIN)
    )


def _swaps_pairs_and_outlines(
    cells: NDArray[np.float32],
    others: list[NDArray[np.float32]],
    chosen: NDArray[np.float32],
    text: str,
) -> str | None:
    """`_second_opinions`' last steps: the swaps and the pairs no check digit sees, by the
    networks' `others`, and last the third opinion of the glyphs' outlines on the sex and
    name letters glare turns into one another (`outlines`), asked of a read nothing else
    refused."""
    if not swaps_vouched(others, chosen, text):
        return "swap refused by networks"
    if unseen_pair_doubted(others, chosen, text):
        return "pair the check digits cannot see"
    if outline_doubted(cells, text, UNCHECKED):
        return "glyph outlines"
    return None


def _read_by_ends(gray: NDArray[np.uint8], rows: tuple[Row, Row, Row]) -> MrzRead | None:
    """The grid anchored on each row's first and last blob, when a row has too few blobs to
    count its columns."""
    for upside_down in (False, True):
        matrix = homography(rows, PITCH, ROW_STEP, MARGIN, upside_down)
        flat = rectify(gray, matrix, ROW_STEP)
        centres = column_centres(rows, matrix, MARGIN, ROW_STEP, upside_down)
        cells, contrast = cut(flat, centres)
        read = _decoded(cells, contrast)
        if read is not None or _starts_with_document_code(scores(cells[:5])):
            return read  # the right way up already: the other way cannot read
    return None


def _starts_with_document_code(found: NDArray[np.float32]) -> bool:
    """Most of the first five cells read `IDMEX`: the grid is the right way up."""
    best = "".join(CHARSET[int(k)] for k in found[:5].argmax(axis=1))
    return sum(a == b for a, b in zip(best, "IDMEX", strict=True)) >= 4
