"""Choose the 90 characters from per-cell scores, using the layout and the check digits.

Each cell has a score for each of the 37 symbols, the classifier's log-likelihood: a
difference of scores says how much likelier one symbol is than another (the classifier is
overconfident, so the thresholds below were set on development photos, not derived). The
layout fixes what a position may hold (`IDMEX`, digits, `<`, sex letters, `MEX`). Where a
check digit fails, the cheapest change among each field's uncertain cells that satisfies it
is taken (the check digits choose among uncertain characters rather than reject early);
anything still failing, or any character too uncertain where no check digit can vouch for
it, or a name line that is not names and fillers, is no read: a wrong read is worse than none.
"""

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from numpy.typing import NDArray

from apoyo_identity.rules.mrz import CHARSET, MrzRead, check_digit, parse_td1

DIGITS, LETTERS, FILL = "0123456789", "ABCDEFGHIJKLMNOPQRSTUVWXYZ", "<"
MAX_CHANGES = 2  # `_changes` tries one or two
ALTERNATIVES = 3
# Log-likelihood units, set on development photos (never the held-out benchmark ones).
# Below this a cell looks like no symbol: not an MRZ, or unreadable. -2500 until the cells
# were cut to the fraction of a pixel: the models learnt again on such cuts score sharper
# cells than any they learnt from lower (a level-0 cell down to -2640, an unblurred card
# render's down to -3590 on 40 cards), and 3 of 240 level-0 development photos went unread.
# Level-3 reads and wrong reads on five ranges of seeds are the same at -2500 and -4500.
MIN_SCORE = -4500.0
MAX_COST = 15.0  # a correction may only swap in runner-ups this close to the first choices
AMBIGUOUS = 5.0  # two corrections this close in cost: the check digit cannot choose
# A field that holds as read is doubted when a change this cheap would hold too: two digits
# each barely preferred to their runner-up (a 2 over a 7 under glare) can pass a check digit
# together by chance, and the check digit cannot tell which pair was printed.
HELD_AMBIGUOUS = 6.0
# The checking networks may disagree with a read on this many cells at most: a glare-washed
# run of digits read wrong yet passing its check digits by chance is where they disagree most
# (four cells on a level-3 development photo; at most two on 751 right reads).
MAX_DISAGREEMENTS = 3
# Two digits each off by 5 (2 and 7, 3 and 8, ...) pass any check digit: the weights 7, 3, 1
# are odd, so the weighted sum moves by a multiple of 10. Where the two cells of a field
# (with its check digit) whose other halves are likeliest could together be those as cheaply
# as this, the field is doubted: on seeds 7000-7031 a pair of CIC digits read 7 for 2 held
# every check digit, the networks agreeing, at a cost of 26.4; on the 368 right level-3 reads
# of development photos the cheapest such pair cost 12.6 once, then 72 and more (the reader
# of 2026-11-30's end: 17.7, 36.7, 42.4 and 44.6 on ten ranges of 640, reads it refuses).
FIVES = 50.0
# Two digits of one field changed so that both its check digit and the composite still hold
# (off by 5, or off by +k and -k at equal weights in both sums, or any such pair: `UNSEEN`)
# are doubted when they cost less than this together and, at either of the two cells, every
# network prefers the changed digit: on seeds 10000-10031 a birth date read `4..9..` for
# `5..8..` at 53.2, both networks preferring the 5 (by 3.0 and 4.1). Without the networks,
# such a pair cost under 55 on 31 of 3,423 right reads of six development ranges and 21 of
# 1,730 of three fresh ones; with them, on 4 of 3,984 and none of the 1,730
# (docs/identity.md, "Pairs the check digits cannot see").
UNSEEN_PAIR = 55.0
# Such a pair, or two digits only the composite covers that it cannot see either (33 read 11
# at weights 7 and 3), cheaper than this together is doubted whatever the networks say: they
# learnt from cells like the classifier's and err alike. With the models learnt from more
# blocks (`classifier.TRAINING_BLOCKS`, `checker.CHECK_BLOCKS`), 5019/10 read a birth date's
# 88 as 66 at 24.8 and 16024/19 line 1's OCR 33 as 11 (its cheapest pair 12.4), every
# network preferring the wrong digits; right reads of 1002, 5000 and 16000-16031 had field
# pairs at 34.4 and more, pairs only the composite covers at 23.2-26.9, then 37.0; at 30
# 5019/10 read 66 again at its next cut, at 33.2 (docs/identity.md, "Models learnt from more
# blocks").
UNSEEN_PAIR_ALONE = 35.0
# How much likelier than its runner-up a sex or name letter must be, in the scores of the
# cells as cut or in those at the best of nine shifts (`certain`; log-likelihood). Alone, the
# margin had to be 20 and 30 (wrong letters won by up to 13.2 at 22-27 px per character and
# 24.2 at 14-18 px); with the networks, the washed-out cells and the count of disagreements,
# no wrong read passed these on 1,920 level-3 photos of three seed ranges. At the best of
# nine shifts the margin was 10 until the MRZ was flattened with the known line spacing: the
# sharper cells then let an E that lost its lower bar read as F by 12.6 there (seeds
# 8000-8031), so it is 15 as well (2 right reads of 640 fewer than at 13).
CUT_MARGIN = 15.0
SHIFTED_MARGIN = 15.0
# However clear as cut, a letter that a pixel of shift makes all but tie with another is
# not certain: on levelled cells (`cells.levelled`) a `<` read as K by 28.6 as cut, both
# networks agreeing, was within 0.2 of `<` at the best of nine shifts (seeds 5000-5031).
SHIFTED_TIE = 2.0
# A cell whose ink contrast is below this fraction of the MRZ's median is washed out (glare;
# `cells.contrast`, which a shadow alone does not lower): a letter read there without a check
# digit is not trusted (a T lost its bar and read as I; at 0.45, an E that lost its bars read
# as C, with both networks agreeing).
FAINT = 0.5
# Unless it is that much likelier than its runner-up both as cut and at the best of nine
# shifts (`faint_but_clear`), and each network prefers it by SHIFT_DOUBT_MARGIN: on the
# level-3 photos of seeds 1002-1033 and 5000-5031 the wrong letters in washed-out cells beat
# their runners-up by at most 40.1 at the least of the two (an H for an R, the networks at
# 0.83 and 0.51; a C for an E by 20-28), the right ones by up to 170 (docs/identity.md,
# "Washed-out letters that stay clear").
FAINT_CLEAR = 50.0
# A digit that only the composite digit covers (line 1's OCR, line 2's optional data), in a
# washed-out cell, that the composite digit made the reader swap in for the classifier's
# first choice must be each network's choice by this much (log posterior): glare that takes
# a 3's curves leaves a 1, and two such 3s read 11 (+2 at weights 7 and 3, the second a swap
# costing 8.5) passed the composite digit, both networks preferring 1 by 0.08-0.14 (seed
# 16024, photo 19). The networks barely prefer right washed-out digits either (0.02-0.3),
# but those the classifier reads first, by 25 and more (docs/identity.md).
FAINT_SWAP_MARGIN = 0.5
# And a washed-out 1 that only the composite digit covers must be the classifier's first
# choice at the best of nine shifts too, whatever the networks say: they take what glare left
# of a 5 for a 1. Line 1's OCR `53` read `15` (seed 15030, photo 3): the 3 read 5 (contrast
# 0.27) and the composite digit swapped the 5 beside it (contrast 0.18) for a 1, both
# networks preferring the 1 by 4.65 and 1.48; at later cuts that 1 was the first choice as
# cut by 0.8 and 17.2, where right washed-out 1's won by 11.5 and more, but 5 won by 37-39
# at the shifts (docs/identity.md, "Two wrong reads the networks learnt over 12 passes let by").
FAINT_ONE = "1"
FAINT_ONE_SHIFTED = 0.0
# A name letter read as I must be each network's choice by this much (log posterior): glare
# that takes a Z's diagonal leaves an I that both networks barely prefer (by 0.30 and 0.36
# at the least on two wrong level-3 reads, seeds 1033 and 8004), where 1 of 2,399 right I's
# of accepted level-3 development reads fell below it (0.29). So must a K: a filler `<` with a
# stray edge at its left reads as K, both networks preferring K by under 0.3 (seed 5014,
# photo 1, once its cells were cut nearer the truth's: `mrz_reader.CUT_BIAS`). So must a Q:
# glare over a G's opening leaves a ring with a mark at its lower right, read as Q by both
# networks by 1.0 and 0.3 (seed 1019, photo 0, once its rows were found: `locate.RUN_TOGETHER`).
# Those figures are the networks learnt over four passes; learnt over 12 (`checker.EPOCHS`)
# they are surer of every letter, wrong ones too, and an I and a K need more (below).
STROKES_LOST = "Q"
STROKES_LOST_MARGIN = 0.5
# With the networks learnt over 12 passes, that K won by 1.17 and 1.62 (seed 5014, photo 1),
# where right name letters mostly win by 2-9: a K must be each network's choice by this much.
STRAY_EDGE = "K"
STRAY_EDGE_MARGIN = 2.0
# And a Z whose diagonal was lost read as I (seed 16000, photo 2), the networks preferring it
# by 1.67 and 0.69: an I must be each network's choice by this much. The classifier does not
# tell them apart either: that I beat Z by 9.8 as cut, right I's by as little as 1.6
# (docs/identity.md, "The checking networks learnt over 12 passes").
DIAGONAL_LOST = "I"
DIAGONAL_LOST_MARGIN = 1.0
# An E that glare took its bars from reads as C or F, both networks preferring it by 0.9 and
# 0.6 (C, seed 8021 photo 0) or 1.3 and 0.4 (F, seed 8029 photo 13), once rows broken by two
# characters run together were found (`locate.RUN_TOGETHER`): those need twice the margin.
BARS_LOST = "CF"
BARS_LOST_MARGIN = 1.0
# And such a C or F is washed out (`faint_letters`) below this contrast rather than FAINT:
# with the networks learnt over 12 passes an E whose bars glare dimmed (contrast 0.60) read
# as C, past both networks (1.20 and 1.92) and 24.6 as cut (seed 5004, photo 14), where the
# right C's and F's of accepted level-3 reads in cells under 0.7 won by 77 and more as cut
# and 4.4 and more for each network (docs/identity.md).
BARS_LOST_FAINT = 0.7
# Glare over a G's bar leaves a ring: with the models learnt from more blocks a name's G read
# as O (16014/19), both networks preferring O to G by 0.25 and 0.21, so a name's O must beat
# G by this much in each (not its runner-up: right O's are near D and Q in the networks, and
# beat G by as little as 1.1 in the classifier; docs/identity.md).
BAR_LOST = {"O": "G"}
BAR_LOST_MARGIN = 0.5
# Each of those letters with its margin, one table for `_margin_needed`.
NETWORK_MARGINS = {
    letter: margin
    for letters, margin in (
        (STROKES_LOST, STROKES_LOST_MARGIN),
        (STRAY_EDGE, STRAY_EDGE_MARGIN),
        (DIAGONAL_LOST, DIAGONAL_LOST_MARGIN),
        (BARS_LOST, BARS_LOST_MARGIN),
    )
    for letter in letters
}
UNCHECKED = (37, *range(60, 90))  # the sex letter and the name line
# A letter clear as cut (CUT_MARGIN) that the best of nine shifts doubts (another letter
# there, or all but a tie) is taken when each network prefers it by this much (log
# posterior): at a pixel of shift an R looks like a B, an O like a D, an M like an H, and on
# the truth's cells of 640 level-3 development photos (seeds 1002-1033) the shifts alone
# refused 47 right name lines. The wrong letters the networks let through so were unclear as
# cut (margins 0.9-9.5: a D, Q, W or I for an O, O, U or T), the networks preferring them by
# up to 2.3 (docs/identity.md, "Letters only the shifts doubt").
SHIFT_DOUBT_MARGIN = 1.0
# The mirror image: a letter all but tied with another as cut (by less than this), that the
# best of nine shifts makes clear (SHIFTED_MARGIN), rests on the shifts alone, a pixel away
# from where the columns put the cell; each network must prefer it by STROKES_LOST_MARGIN.
# A surname's M read as H (seed 26067, photo 3) won by 0.1 as cut and 16.7 at the shifts,
# both networks preferring the H by 0.05 (docs/identity.md, "Letters tied as cut, and letters
# held beyond doubt").
TIED_AS_CUT = SHIFTED_TIE
# A sex or name letter the classifier holds beyond doubt, by FAINT_CLEAR both as cut and at
# the best of nine shifts, in a cell that is not washed out, may be disputed by a network by
# less than this (log posterior) and still be taken: right letters so held were refused where
# one network preferred another by 0.01-0.6 (an E by 42-80 as cut, a U by 141; seeds 5003,
# 5014, 5027, 26031, 26062), where the wrong letters the networks disputed so (a U for an
# R, an I for an S) were under 41 as cut or washed out (docs/identity.md, "Letters tied as
# cut, and letters held beyond doubt").
DISPUTED_MARGIN = 0.5
# Where the two networks' checks alone refuse a read, a third network learnt also from cells
# of generator photos (`checker.photo_opinion`) may take it, if neither network prefers
# another character by RESCUE_UNSURE or more anywhere no check digit of its own covers (it
# never overrules a network that is sure), both networks still hold the letters glare makes
# of others by their own margins (NETWORK_MARGINS: set on their scale, on slips of theirs;
# the photo network met the I margin on a Z read as I, 45010/3), and it prefers each
# character that a network left under SHIFT_DOUBT_MARGIN by RESCUE_MARGIN
# (docs/identity.md, "A third network").
RESCUE_UNSURE = 1.0
RESCUE_MARGIN = 1.0
# A name letter V is left to the networks (SHIFT_DOUBT_MARGIN) unless it beats its runner-up
# by CUT_MARGIN as cut and by this much at the best of nine shifts: glare over a U's bowl
# leaves a V. LUNA read LVNA (seed 11000, photo 7) at one cut with V ahead by 49.5 as cut and
# 20.6 at the shifts, and once that was doubted, at another by 8.1 as cut and 42.3 at the
# shifts, both networks preferring V there by 0.6-1.7: asked for 1.0 at each such cut, they
# refuse it, and the photo is now no read. Right V's of accepted level-3
# reads fell under this at the shifts at 13.2 and 16.8, the next at 25.0 (docs/identity.md,
# "A V glare made of a U").
GLARE_BOWL = "V"
GLARE_BOWL_SHIFTED = 22.0
# A sex or name letter I must beat T by this much both as cut and at the best of nine
# shifts, whatever the networks say: they take a T for an I (both preferring I by 2.9-4.3
# where a T was printed, seeds 16022 and 17002, photo 17 each, the classifier's I ahead of
# T by 19.5 and 21.6 as cut and 7.3 and 17.7 at the shifts; on right T's of 1016/9 and
# 1033/13 too), so only the classifier tells them apart. At 20, 6 right reads of 5,120
# more and a margin of 2.3 over the wrong 17.7 (docs/identity.md, "A T read as I").
TOPLESS = {"I": "T"}
TOPLESS_MARGIN = 25.0
# So must a name letter Q beat O by this much: a mark at an O's lower right reads as a tail.
# DURAZO read DURAZQ (seed 22021, photo 17, on the lines matched as read), the Q ahead of O
# by 15.9 as cut and 11.8 at the shifts, both networks preferring Q (by 2.35 and 0.92)
# after 12 passes; the right Q's of accepted level-3 reads of four development ranges
# (1002, 5000, 6000, 16000-31; 228) beat O by 37.1 and more as cut, 26.0 and more at the
# shifts (docs/identity.md, "Two wrong reads the networks learnt over 12 passes let by").
TAILED = {"Q": "O"}
TAILED_MARGIN = 20.0
LOOKALIKES = {letter: (other, TOPLESS_MARGIN) for letter, other in TOPLESS.items()} | {
    letter: (other, TAILED_MARGIN) for letter, other in TAILED.items()
}
# A read whose every character, as cut, is the classifier's first choice among what the
# layout allows (no check digit made a swap) and beats its runner-up there by this much is
# clear (`clear`): the reader then asks neither the nine shifts nor the networks. On 7,600
# development photos of levels 0-3 the smallest margin of a wrong read was at most 26.0, of
# a read those steps refused at most 53.4, of right level-1 reads at least 80 in 94% of them
# (docs/identity.md, "The MRZ reader's cascade").
CLEAR_MARGIN = 80.0
# Covered by the composite digit alone (line 1's OCR, line 2's optional data): a garbled run
# of them passes it one time in ten, so a second classifier must agree there too.
COMPOSITE_ONLY = (*range(15, 30), *range(48, 59))
DOUBTED = (*COMPOSITE_ONLY, *UNCHECKED)
# Surname(s), then `<<` and given names; single `<` between words, `<` to the end.
NAME_LINE = re.compile(r"[A-Z]+(<[A-Z]+)*(<<[A-Z]+(<[A-Z]+)*)?<*")
# Line 2's optional data: the emission number, then fillers. Only the composite digit covers
# it and line 1's OCR, and one digit passes a garbled field one time in ten.
OPTIONAL_DATA = re.compile(r"[0-9]*<*")


def _layout() -> list[str]:
    line1 = list("IDMEX") + [DIGITS] * 10 + [FILL] * 2 + [DIGITS] * 13
    # INE fills the optional data with the emission number and `<` (domain.md); letters there
    # would only invite O-for-0 slips that the composite digit can be fooled by.
    line2 = [DIGITS] * 7 + ["HMX"] + [DIGITS] * 7 + list("MEX") + [DIGITS + FILL] * 11
    line3 = [LETTERS + FILL] * 30
    return line1 + line2 + [DIGITS] + line3


LAYOUT = _layout()
ALLOWED_INDEX = [np.array([CHARSET.index(c) for c in allowed], np.int64) for allowed in LAYOUT]
# The doubted positions' allowed symbols, padded with the first: one gather for all of them.
_WIDEST = max(len(LAYOUT[p]) for p in DOUBTED)
DOUBTED_ALLOWED = np.array(
    [[*ALLOWED_INDEX[p], *[ALLOWED_INDEX[p][0]] * (_WIDEST - len(LAYOUT[p]))] for p in DOUBTED]
)
DOUBTED_ROWS = np.array(DOUBTED)[:, None]
# Every position's allowed symbols, padded the same way.
ALL_ALLOWED = np.array(
    [[*idx, *[idx[0]] * (len(CHARSET) - len(idx))] for idx in ALLOWED_INDEX], np.int64
)
ALL_ROWS = np.arange(len(LAYOUT))[:, None]
ALLOWED_COUNT = [len(allowed) for allowed in LAYOUT]
PADDING = np.arange(len(CHARSET))[None, :] >= np.array(ALLOWED_COUNT)[:, None]
_CHARSET_BYTES = np.frombuffer(CHARSET.encode("ascii"), np.uint8)
_ROW_SPANS = [(p * len(CHARSET), n) for p, n in enumerate(ALLOWED_COUNT)]
_SYMBOL_INDEX = np.zeros(256, np.int64)
_SYMBOL_INDEX[_CHARSET_BYTES] = np.arange(len(CHARSET))
# Fields as (positions, check digit position) in the flat 90-character index.
FIELDS = {
    "cic": (range(5, 14), 14),
    "birth_date": (range(30, 36), 36),
    "expiry": (range(38, 44), 44),
}
COMPOSITE = (
    list(range(5, 30)) + list(range(30, 37)) + list(range(38, 45)) + list(range(48, 59)),
    59,
)


@dataclass(frozen=True)
class Candidates:
    """Per position, allowed symbols best first with their scores."""

    symbols: list[str]
    scores: list[NDArray[np.float32]]
    table: NDArray[np.float32]  # (90, 37) every position's scores best first, -inf padded

    def best(self) -> list[str]:
        return [s[0] for s in self.symbols]


def candidates(scores: NDArray[np.float32]) -> Candidates:
    """All 90 positions sorted at once: the padding scores below any symbol and sorts last."""
    allowed = np.where(PADDING, -np.inf, scores[ALL_ROWS, ALL_ALLOWED])
    order = np.argsort(-allowed, axis=1, kind="stable")
    ranked = _CHARSET_BYTES[ALL_ALLOWED[ALL_ROWS, order]]
    values = allowed[ALL_ROWS, order].astype(np.float32)
    symbols = ranked.tobytes().decode("ascii")  # row by row, len(CHARSET) each
    return Candidates(
        [symbols[start : start + n] for start, n in _ROW_SPANS],
        [values[p, :n] for p, n in enumerate(ALLOWED_COUNT)],
        values,
    )


Change = tuple[float, tuple[int, ...], tuple[int, ...]]


def _changes(found: Candidates, cells: list[int], limit: float) -> list[Change]:
    """Every way to swap one or two (MAX_CHANGES) cells to a runner-up costing at most
    `limit`, cheapest first (ties in the order of the cells)."""
    table = found.table[cells]
    # Costs are not negative; a padded runner-up (-inf) costs more than any limit.
    costs = (table[:, :1] - table[:, 1:ALTERNATIVES]).astype(np.float64)
    where, picks = np.nonzero(costs <= limit)  # by cell, then runner-up
    cost, picks = costs[where, picks], picks + 1
    options: list[Change] = [
        (float(c), (cells[w],), (int(k),)) for c, w, k in zip(cost, where, picks, strict=True)
    ]
    if len(cost) < 2:
        return options  # at most one change: no pair to add, nothing to sort
    first, second = _pairs(len(cost))
    total = cost[first] + cost[second]
    keep = (where[first] != where[second]) & (total <= limit)
    first, second, total = first[keep], second[keep], total[keep]
    order = np.lexsort((picks[second], picks[first], where[second], where[first]))
    for f, g, t in zip(first[order], second[order], total[order], strict=True):
        swapped = (cells[where[f]], cells[where[g]])
        options.append((float(t), swapped, (int(picks[f]), int(picks[g]))))
    return sorted(options, key=lambda option: option[0])


@lru_cache(maxsize=128)
def _pairs(count: int) -> tuple[NDArray[np.intp], NDArray[np.intp]]:
    """Every pair (i < j) of `count` items, made once per count: each read asks for the same
    few counts eight times."""
    first, second = np.triu_indices(count, 1)
    first.flags.writeable = second.flags.writeable = False
    return first, second


def _fix(chars: list[str], found: Candidates, positions: list[int], check_at: int) -> bool:
    """Make the field's check digit hold with the cheapest change of uncertain cells.

    Refused when the change would replace a confident character, or when a second, different
    change satisfies the check almost as cheaply: then the check digit cannot tell them apart.
    """

    def holds(text: list[str]) -> bool:
        return check_digit("".join(text[p] for p in positions)) == text[check_at]

    if holds(chars):
        return not _another_holds(chars, found, [*positions, check_at], holds)
    solutions: list[tuple[float, list[str]]] = []
    for cost, chosen, picks in _changes(found, [*positions, check_at], MAX_COST):
        if len(solutions) == 2:
            break
        trial = list(chars)
        for p, k in zip(chosen, picks, strict=True):
            trial[p] = found.symbols[p][k]
        if holds(trial):
            solutions.append((cost, trial))
    if not solutions or (len(solutions) == 2 and solutions[1][0] - solutions[0][0] < AMBIGUOUS):
        return False
    chars[:] = solutions[0][1]
    return True


def _another_holds(
    chars: list[str], found: Candidates, cells: list[int], holds: Callable[[list[str]], bool]
) -> bool:
    """Whether a change of at most HELD_AMBIGUOUS to other characters holds as well."""
    for _, chosen, picks in _changes(found, cells, HELD_AMBIGUOUS):
        trial = list(chars)
        for p, k in zip(chosen, picks, strict=True):
            trial[p] = found.symbols[p][k]
        if trial != chars and holds(trial):
            return True
    return False


# Where a pair of digits off by 5 goes unseen: each field with its check digit, and the cells
# only the composite digit covers with it.
FIVE_GROUPS = (
    *([*positions, check_at] for positions, check_at in FIELDS.values()),
    [*COMPOSITE_ONLY, COMPOSITE[1]],
)


def _fives_hold(scores: NDArray[np.float32], chars: list[str]) -> bool:
    """Whether, in some group of FIVE_GROUPS, two digits each off by 5 cost less than FIVES
    together (log-likelihood below the read's)."""
    read = _SYMBOL_INDEX[np.frombuffer("".join(chars).encode("ascii"), np.uint8)]
    digit = read < len(DIGITS)  # a digit's index in CHARSET is its value
    # Each digit's cost (float32, as scored) against the digit 5 away; the two cheapest of a
    # group summed as Python's floats are.
    costs = (scores[_POSITIONS, read] - scores[_POSITIONS, (read + 5) % 10]).astype(np.float64)
    for group in _FIVE_GROUP_CELLS:
        mine = costs[group[digit[group]]]
        if len(mine) >= 2:
            cheapest = np.partition(mine, 1)
            if cheapest[0] + cheapest[1] < FIVES:
                return True
    return False


_POSITIONS = np.arange(len(LAYOUT))
_FIVE_GROUP_CELLS = tuple(np.array(group, np.intp) for group in FIVE_GROUPS)


def _unseen_pairs() -> tuple[NDArray[np.intp], ...]:
    """Every pair of digit changes (cell, +delta mod 10, other cell, +delta) that keeps
    every check digit covering them: within a field and its check digit, the field's and
    the composite (where a check digit weighs -1 in its own sum); among the cells only the
    composite covers, and its own digit, the composite alone (33 for 11 at weights 7 and 3):
    as columns."""
    composite = _weights(COMPOSITE[0]) | {COMPOSITE[1]: -1}
    groups: list[tuple[tuple[dict[int, int], ...], list[int]]] = [
        ((_weights(p) | {c: -1}, composite), [*p, c]) for p, c in FIELDS.values()
    ]
    groups.append(((composite,), [*COMPOSITE_ONLY, COMPOSITE[1]]))
    found: list[tuple[int, int, int, int]] = []
    for sums, cells in groups:
        for i, p in enumerate(cells):
            for q in cells[i + 1 :]:
                found += [(p, a, q, b) for a, b in _holding(sums, p, q)]
    return tuple(np.array(column, np.intp) for column in zip(*found, strict=True))


def _weights(positions: Sequence[int]) -> dict[int, int]:
    """ICAO 9303's weights 7, 3, 1 repeated along the positions a check digit covers."""
    return {p: (7, 3, 1)[i % 3] for i, p in enumerate(positions)}


def _holding(sums: Sequence[dict[int, int]], p: int, q: int) -> list[tuple[int, int]]:
    """The changes (+a at p, +b at q) that move every weighted sum by a multiple of 10."""
    return [
        (a, b)
        for a in range(1, 10)
        for b in range(1, 10)
        if all((w[p] * a + w[q] * b) % 10 == 0 for w in sums)
    ]


UNSEEN = _unseen_pairs()


def unseen_pair_doubted(
    opinions: Sequence[NDArray[np.float32]], chosen: NDArray[np.float32], chars: str
) -> bool:
    """Whether a pair of UNSEEN changes to the read's digits costs less than UNSEEN_PAIR in
    `chosen` (the scores the check digits chose among) and every network prefers the
    changed digit at one of its two cells (the layout makes them digits, and a digit's
    index in CHARSET is its value)."""
    first, delta, second, other_delta = UNSEEN
    read = _indices(chars)
    a, b = read[first], read[second]
    changed_a, changed_b = (a + delta) % 10, (b + other_delta) % 10
    cost = (
        chosen[first, a] - chosen[first, changed_a] + chosen[second, b] - chosen[second, changed_b]
    )
    digits = (a < len(DIGITS)) & (b < len(DIGITS))  # optional data may be filler
    cheap = digits & (cost < UNSEEN_PAIR)
    if not cheap.any():
        return False
    if (cheap & (cost < UNSEEN_PAIR_ALONE)).any():
        return True
    doubted = np.zeros(len(cheap), bool)
    for cells, changed, digit in ((first, changed_a, a), (second, changed_b, b)):
        doubted |= np.all([n[cells, changed] > n[cells, digit] for n in opinions], axis=0)
    return bool((cheap & doubted).any())


def decode(
    scores: NDArray[np.float32],
    unchecked_margin: float,
    opinions: Sequence[NDArray[np.float32]] = (),
) -> MrzRead | None:
    """`unchecked_margin`: how much likelier than its runner-up a sex or name letter must be,
    no check digit covering them; `opinions`: other classifiers' (90, 37) scores, each of
    which must prefer every such letter too."""
    found = candidates(scores)
    chars = found.best()
    for positions, check_at in FIELDS.values():
        if not _fix(chars, found, list(positions), check_at):
            return None
    if not _fix(chars, found, COMPOSITE[0], COMPOSITE[1]):
        return None
    if _fives_hold(scores, chars):
        return None
    text = "".join(chars)
    if not _certain(found, chars, unchecked_margin) or not _well_formed(text):
        return None
    if not all(agrees(opinion, text) for opinion in opinions):
        return None
    return parse_td1([text[:30], text[30:60], text[60:]])


def vouched(
    opinions: Sequence[NDArray[np.float32]], chars: str, disputable: Sequence[int] = ()
) -> bool:
    """The other classifiers (each (90, 37) scores) prefer, among what the layout allows, the
    read's character wherever no check digit of its own covers it (an I clearly), and differ
    from it on at most MAX_DISAGREEMENTS cells in all. At `disputable` positions (letters
    the classifier holds beyond doubt: `undisputed_letters`) a network may prefer another
    character by less than DISPUTED_MARGIN."""
    if not all(agrees(opinion, chars, disputable) for opinion in opinions):
        return False
    if not all(_clear_where_strokes_lost(opinion, chars) for opinion in opinions):
        return False
    differ = np.zeros(len(LAYOUT), bool)
    for opinion in opinions:
        best = opinion[ALL_ROWS, ALL_ALLOWED].argmax(axis=1)
        differ |= ALL_ALLOWED[np.arange(len(LAYOUT)), best] != _indices(chars)
    return int(differ.sum()) <= MAX_DISAGREEMENTS


def _clear_where_strokes_lost(opinion: NDArray[np.float32], chars: str) -> bool:
    """Each sex or name letter that glare can make of another (`_margin_needed`)
    beats the classifier's runner-up among what the layout allows by its margin."""
    for position in UNCHECKED:
        needed = _margin_needed(chars[position])
        if needed and _margin(opinion[position], chars, position) < needed:
            return False
        if chars[position] in BAR_LOST and _bar_lost(opinion[position], chars[position]):
            return False
    return True


def _bar_lost(row: NDArray[np.float32], letter: str) -> bool:
    """The letter does not beat the one glare could have made it of by BAR_LOST_MARGIN."""
    other = BAR_LOST[letter]
    return bool(row[CHARSET.index(letter)] - row[CHARSET.index(other)] < BAR_LOST_MARGIN)


def _margin_needed(letter: str) -> float:
    """How far each network must prefer a letter that glare can make of another (0: none)."""
    return NETWORK_MARGINS.get(letter, 0.0)


def swaps_vouched(
    opinions: Sequence[NDArray[np.float32]], scores: NDArray[np.float32], chars: str
) -> bool:
    """No character a check digit made the reader swap in for its first choice (`scores`) is
    one that every other classifier refuses: under glare a washed-out 3 read as 1 made a 3
    beside it swap to 5 for the CIC's check digit, and the composite digit held by chance,
    where both networks read both 3s."""
    first = ALL_ALLOWED[np.arange(len(LAYOUT)), scores[ALL_ROWS, ALL_ALLOWED].argmax(axis=1)]
    read = _indices(chars)
    swapped = np.flatnonzero(first != read)
    refused = np.ones(len(swapped), bool)
    for opinion in opinions:
        best = opinion[ALL_ROWS[swapped], ALL_ALLOWED[swapped]].argmax(axis=1)
        refused &= ALL_ALLOWED[swapped, best] != read[swapped]
    return not refused.any()


def _indices(chars: str) -> NDArray[np.int64]:
    return np.array([CHARSET.index(c) for c in chars], np.int64)


def shift_doubted(
    found: NDArray[np.float32], shifted: NDArray[np.float32], chars: str
) -> list[int] | None:
    """Whether the sex and name letters are certain: each is the first choice, among what
    the layout allows, of the scores of the cells as cut (`found`) and at a pixel of shift
    (`shifted`), and beats its runner-up by CUT_MARGIN in the first or SHIFTED_MARGIN in the
    second, and by SHIFTED_TIE in the second whatever the first, and an I beats T by
    TOPLESS_MARGIN and a Q beats O by TAILED_MARGIN in both (`lookalike_near`). None when
    a letter is not;
    else the positions of the letters that fail only at the shifts, clear as cut by
    CUT_MARGIN, and of any V short of either of its margins (`_bowl_lost`): the networks
    decide those (`networks_prefer`); [] when all are."""
    doubted = []
    for position in UNCHECKED:
        as_cut, at_shifts = (
            _margin(scores[position], chars, position) for scores in (found, shifted)
        )
        if as_cut < 0 or (as_cut < CUT_MARGIN and at_shifts < SHIFTED_MARGIN):
            return None
        if lookalike_near(chars[position], found[position], shifted[position], LOOKALIKES):
            return None
        if at_shifts < SHIFTED_TIE or _bowl_lost(chars[position], as_cut, at_shifts):
            doubted.append(position)
    return doubted


def tied_as_cut(found: NDArray[np.float32], chars: str) -> list[int]:
    """The sex and name positions whose character beats its runner-up, in the scores of the
    cells as cut (`found`), by less than TIED_AS_CUT: such a letter rests on the best of nine
    shifts alone, and the networks decide it (by STROKES_LOST_MARGIN)."""
    return [p for p in UNCHECKED if _margin(found[p], chars, p) < TIED_AS_CUT]


def lookalike_near(
    letter: str,
    as_cut: NDArray[np.float32],
    at_shifts: NDArray[np.float32],
    lookalikes: Mapping[str, tuple[str, float]],
) -> bool:
    """A letter of `lookalikes` (LOOKALIKES: an I, TOPLESS; a Q, TAILED) that beats the letter
    it can be made of by less than its margin in the scores as cut or at the shifts (each one
    cell's scores over the charset)."""
    if letter not in lookalikes:
        return False
    other, margin = lookalikes[letter]
    mine, theirs = CHARSET.index(letter), CHARSET.index(other)
    return bool(min(as_cut[mine] - as_cut[theirs], at_shifts[mine] - at_shifts[theirs]) < margin)


def _bowl_lost(letter: str, as_cut: float, at_shifts: float) -> bool:
    """A V (GLARE_BOWL) short of CUT_MARGIN as cut or of GLARE_BOWL_SHIFTED at the shifts."""
    return letter in GLARE_BOWL and (as_cut < CUT_MARGIN or at_shifts < GLARE_BOWL_SHIFTED)


def networks_prefer(
    opinions: Sequence[NDArray[np.float32]], chars: str, positions: Sequence[int], margin: float
) -> bool:
    """Each network prefers the read's character at every one of `positions` by `margin` over
    its runner-up among what the layout allows (SHIFT_DOUBT_MARGIN where only the shifts
    doubt a letter: `shift_doubted`)."""
    return all(
        _margin(opinion[position], chars, position) >= margin
        for opinion in opinions
        for position in positions
    )


def _margin(row: NDArray[np.float32], chars: str, position: int) -> float:
    """How much `row` (one cell's scores over the charset) prefers the read's character over
    its best other among what the layout allows (negative: another is preferred)."""
    allowed = row[ALLOWED_INDEX[position]]
    mine = LAYOUT[position].index(chars[position])
    return float(allowed[mine] - np.delete(allowed, mine).max())


def faint_letters(
    chars: str, contrast: NDArray[np.float32], positions: Sequence[int] = UNCHECKED
) -> list[int]:
    """Those of `positions` (the sex and name letters, which no check digit covers) whose
    character is no filler and stands in a washed-out cell (`contrast`: each cell's ink
    contrast over the MRZ's median)."""
    return [p for p in positions if contrast[p] < _faint_below(chars[p]) and chars[p] != FILL]


def _faint_below(character: str) -> float:
    """The contrast under which a cell holding `character` is washed out."""
    return BARS_LOST_FAINT if character in BARS_LOST else FAINT


def faint_swaps(
    scores: NDArray[np.float32], chars: str, contrast: NDArray[np.float32]
) -> list[int]:
    """The positions only the composite digit covers whose character stands in a washed-out
    cell and is not the first choice of `scores` (the composite digit swapped it in)."""
    faint = faint_letters(chars, contrast, COMPOSITE_ONLY)
    return [p for p in faint if _margin(scores[p], chars, p) < 0]


def washed_out_vouched(
    opinions: Sequence[NDArray[np.float32]],
    found: NDArray[np.float32],
    chars: str,
    contrast: NDArray[np.float32],
) -> bool:
    """Each network prefers every sex and name letter in a washed-out cell by
    SHIFT_DOUBT_MARGIN (`FAINT_CLEAR`), and every washed-out digit that the composite digit
    swapped in for the first choice of the scores as cut (`found`) by FAINT_SWAP_MARGIN."""
    return networks_prefer(
        opinions, chars, faint_letters(chars, contrast), SHIFT_DOUBT_MARGIN
    ) and networks_prefer(opinions, chars, faint_swaps(found, chars, contrast), FAINT_SWAP_MARGIN)


def faint_ones(chars: str, contrast: NDArray[np.float32]) -> list[int]:
    """The positions only the composite digit covers that hold a 1 in a washed-out cell."""
    return [p for p in faint_letters(chars, contrast, COMPOSITE_ONLY) if chars[p] == FAINT_ONE]


def ones_clear_at_shifts(
    shifted: NDArray[np.float32], chars: str, positions: Sequence[int]
) -> bool:
    """Each 1 at `positions` (`faint_ones`) beats its runner-up at the best of nine shifts
    (`shifted`) by FAINT_ONE_SHIFTED."""
    return all(_margin(shifted[p], chars, p) >= FAINT_ONE_SHIFTED for p in positions)


def faint_but_clear(
    found: NDArray[np.float32], shifted: NDArray[np.float32], chars: str, positions: Sequence[int]
) -> bool:
    """Each letter at `positions` (washed-out ones) beats its runner-up among what the layout
    allows by FAINT_CLEAR in the scores as cut (`found`) and at the best of nine shifts
    (`shifted`): glare that took a stroke leaves a letter that only just wins."""
    return all(
        _margin(scores[p], chars, p) >= FAINT_CLEAR
        for scores in (found, shifted)
        for p in positions
    )


def _well_formed(text: str) -> bool:
    return bool(NAME_LINE.fullmatch(text[60:]) and OPTIONAL_DATA.fullmatch(text[48:59]))


def agrees(opinion: NDArray[np.float32], chars: str, disputable: Sequence[int] = ()) -> bool:
    """The other classifier's first choice, among what the layout allows, is ours wherever
    no check digit of its own covers the character; at `disputable` positions it may prefer
    another by less than DISPUTED_MARGIN."""
    best = opinion[DOUBTED_ROWS, DOUBTED_ALLOWED].argmax(axis=1)
    return all(
        LAYOUT[p][int(k)] == chars[p]
        or (p in disputable and _margin(opinion[p], chars, p) > -DISPUTED_MARGIN)
        for p, k in zip(DOUBTED, best, strict=True)
    )


def undisputed_letters(
    found: NDArray[np.float32],
    shifted: NDArray[np.float32],
    chars: str,
    contrast: NDArray[np.float32],
) -> list[int]:
    """The sex and name positions whose character beats its runner-up by FAINT_CLEAR both as
    cut (`found`) and at the best of nine shifts (`shifted`), in a cell that is not washed
    out (as `faint_letters` judges it, fillers included; BARS_LOST_FAINT is over FAINT): a
    network may dispute those by less than DISPUTED_MARGIN."""
    return [
        p
        for p in UNCHECKED
        if contrast[p] >= _faint_below(chars[p])
        and min(_margin(found[p], chars, p), _margin(shifted[p], chars, p)) >= FAINT_CLEAR
    ]


def _certain(found: Candidates, chars: list[str], unchecked_margin: float) -> bool:
    """Every cell looks like a symbol, and where no check digit vouches for a character it
    must be clearly likelier than any other."""
    if float(found.table[:, 0].min()) < MIN_SCORE:  # each position's best
        return False
    for position in UNCHECKED:
        margin = float(found.scores[position][0] - found.scores[position][1])
        if chars[position] != found.symbols[position][0] or margin < unchecked_margin:
            return False
    return True


def clear(found: NDArray[np.float32], chars: str) -> bool:
    """Every character beats its runner-up among what the layout allows, in the scores of
    the cells as cut (`found`), by CLEAR_MARGIN (a position that allows one symbol only has
    none)."""
    mine = _SYMBOL_INDEX[np.frombuffer(chars.encode("ascii"), np.uint8)]
    others = np.where(
        PADDING | (mine[:, None] == ALL_ALLOWED), -np.inf, found[ALL_ROWS, ALL_ALLOWED]
    )
    return bool((found[ALL_ROWS[:, 0], mine] - others.max(axis=1) >= CLEAR_MARGIN).all())


# The positions no check digit of their own covers where the layout allows more than one
# character (a network's margin means something there).
CONTESTED = tuple(p for p in DOUBTED if len(LAYOUT[p]) > 1)


def unsure_against(opinions: Sequence[NDArray[np.float32]], chars: str, unsure: float) -> bool:
    """No network of `opinions` prefers another character, among what the layout allows, by
    `unsure` or more wherever no check digit of its own covers the read's."""
    return all(_margin(opinion[p], chars, p) > -unsure for opinion in opinions for p in CONTESTED)


def short_of_margin(opinions: Sequence[NDArray[np.float32]], chars: str) -> list[int]:
    """The positions no check digit of their own covers where some network of `opinions`
    prefers the read's character by less than SHIFT_DOUBT_MARGIN."""
    return [
        p
        for p in CONTESTED
        if any(_margin(opinion[p], chars, p) < SHIFT_DOUBT_MARGIN for opinion in opinions)
    ]


def glare_margins_hold(opinions: Sequence[NDArray[np.float32]], chars: str) -> bool:
    """Each network of `opinions` prefers every sex and name letter that glare can make of
    another by that letter's margin (NETWORK_MARGINS, BAR_LOST): margins set on those
    networks' own scale, which another network does not stand in for."""
    return all(_clear_where_strokes_lost(opinion, chars) for opinion in opinions)
