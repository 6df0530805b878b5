"""Completing a row that lost end characters, on a sheared MRZ block."""

import numpy as np

from apoyo_identity.vision.locate import Row, _completed, _reaches


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
