"""Chaining a row's blobs, and completing a row that lost end characters, on a sheared MRZ
block."""

import numpy as np

from apoyo_identity.vision.locate import Row, _chains, _completed, _reaches


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
