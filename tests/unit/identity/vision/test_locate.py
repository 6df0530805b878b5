"""Chaining a row's blobs, and completing a row that lost end characters, on a sheared MRZ
block."""

import numpy as np

from apoyo_identity.vision.locate import (
    Row,
    _chains,
    _completed,
    _mutual_right,
    _reaches,
    _rejoined,
)


def _row(line: int, first: int, last: int) -> Row:
    """Characters first..last of MRZ line `line`, pitch 10 px, columns sheared 3 px a line."""
    centres = np.array([[100 + 10 * c + 3 * line, 50 + 16 * line] for c in range(first, last + 1)])
    return Row(
        centres[0].astype(float),
        centres[-1].astype(float),
        14.0,
        len(centres),
        50 + 16 * line,
        centres,
    )


def test_a_row_short_of_its_last_characters_is_stretched_along_the_shear() -> None:
    full, short, other = _row(0, 0, 29), _row(1, 0, 25), _row(2, 0, 29)
    completed = _completed((full, short, other))
    assert np.allclose(completed[1].end, [100 + 290 + 3, 66])
    assert np.allclose(completed[1].start, short.start)
    assert completed[0] is full and completed[2] is other


def test_full_rows_are_left_alone() -> None:
    rows = (_row(0, 0, 29), _row(1, 0, 29), _row(2, 0, 29))
    assert all(a is b for a, b in zip(_completed(rows), rows, strict=True))


def test_a_blob_reaches_as_far_as_its_chain_goes() -> None:
    # Chains 0 -> 1 -> 2 -> 3 and 4 -> 5; 6 alone.
    nxt = np.array([1, 2, 3, -1, 5, -1, -1])
    assert _reaches(nxt, 3).tolist() == [True, False, False, False, False, False, False]
    assert _reaches(nxt, 1).tolist() == [True, True, True, False, True, False, False]
    assert _reaches(nxt, 0).all()


def test_two_characters_run_together_do_not_break_the_row() -> None:
    # 30 characters 12 px tall at a pitch of 10 px; characters 17 and 18 are one blob, twice
    # as wide (its height, the larger side, 25 px: more than 1.9 times its neighbours').
    columns = [*range(17), 17.5, *range(19, 30)]
    xy = np.array([[100 + 10 * c, 50.0] for c in columns])
    heights = np.array([25.0 if c == 17.5 else 12.0 for c in columns])
    chains = _chains(xy, heights)
    assert len(chains) == 1
    assert chains[0].tolist() == [k for k, c in enumerate(columns) if c != 17.5]  # no centre


def test_pieces_of_a_character_broken_by_glare_do_not_lengthen_the_row() -> None:
    # 25 characters 20 px tall at a pitch of 18 px, then two pieces of a broken one, 10 px.
    xy = np.array([[100.0 + 18 * c, 50.0] for c in range(25)] + [[548.0, 50.0], [570.0, 50.0]])
    heights = np.array([20.0] * 25 + [10.0, 10.0])
    chains = _chains(xy, heights)
    assert len(chains) == 1
    assert chains[0].tolist() == list(range(25))


def test_a_row_broken_by_a_character_run_into_the_next_line_is_joined_back() -> None:
    # 30 characters 12 px tall at a pitch of 10 px; character 14 ran into one of the line
    # below (a blob 30 px tall, half way down), which neither neighbour links to, and glare
    # took character 15: the gap broke the row into 14 + 14 blobs, both too short for a row.
    xy = np.array([[100.0 + 10 * c, 58.0 if c == 14 else 50.0] for c in range(30) if c != 15])
    heights = np.array([30.0 if c == 14 else 12.0 for c in range(30) if c != 15])
    assert _chains(xy, heights) == []  # as linked
    chains = _chains(xy, heights, _rejoined(_mutual_right(xy, heights), xy, heights))
    assert len(chains) == 1
    assert xy[chains[0], 0].tolist() == [100.0 + 10 * c for c in range(30) if c not in (14, 15)]


def test_pieces_of_rows_that_do_not_meet_are_not_joined() -> None:
    # The same two runs of 14 characters, the second a line lower (16 px): two rows.
    xy = np.array([[100.0 + 10 * c, 50.0 if c < 14 else 66.0] for c in range(30) if c != 15])
    heights = np.full(len(xy), 12.0)
    assert _chains(xy, heights, _rejoined(_mutual_right(xy, heights), xy, heights)) == []


def test_a_speck_before_a_row_does_not_take_the_room_of_its_second_half() -> None:
    # A speck 2.5 pitches before a row whose merged character 14 left a gap (pieces of 1,
    # 14 and 14 blobs): the larger piece is joined first, then the speck no longer fits.
    columns = [-2.5, *range(14), 14.5, *range(16, 30)]
    xy = np.array([[100.0 + 10 * c, 50.0] for c in columns])
    heights = np.array([25.0 if c == 14.5 else 12.0 for c in columns])
    chains = _chains(xy, heights)
    assert len(chains) == 1
    assert [columns[k] for k in chains[0]] == [*range(14), *range(16, 30)]


def test_a_foreshortened_row_in_two_pieces_is_spanned_in_its_own_pitches() -> None:
    # A level-3 development photo's names line (x along the row, px): the pitch shrinks from
    # 16.8 to 12 px (perspective), and two characters run together at columns 14-15 (the
    # blob at 671, 23 px tall) leave a gap. In the chain's median pitch the two halves span
    # 29.9 pitches, too long for a row; each in its own, 29.
    x = [456, 472, 488, 503, 520, 535, 550, 563, 579, 595, 609, 624, 639, 652, 671]
    x += [694, 707, 720, 734, 747, 760, 772, 785, 798, 810, 822, 834, 846, 859]
    heights = [17, 16, 15, 16, 16, 14, 13, 15, 15, 13, 14, 13, 13, 12, 23]
    heights += [15, 14, 14, 14, 12, 11, 12, 12, 12, 11, 12, 12, 11, 11]
    xy = np.array([[float(at), 50.0] for at in x])
    chains = _chains(xy, np.array(heights, dtype=float))
    assert len(chains) == 1
    assert len(chains[0]) == 28  # all but the two characters run together
