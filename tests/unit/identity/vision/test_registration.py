"""Lines matched as read: each line of the rectified MRZ found where its symbols, drawn, lie."""

import random

import cv2
import numpy as np
from numpy.typing import NDArray

from apoyo_identity.rules.mrz import CHARSET
from apoyo_identity.vision.cells import ROW_STEP, canonical_size
from apoyo_identity.vision.glyphs import PITCH, box_height, centre_fraction
from apoyo_identity.vision.registration import (
    _glyphs,
    even_grid,
    likeliest_symbols,
    matched_centres,
)

MOVES = np.array([[0.0, 0.0], [1.3, -0.8], [-2.2, 1.6]])  # canonical px, per line


def _symbols() -> NDArray[np.intp]:
    r = random.Random(7)
    return np.array([r.randrange(len(CHARSET)) for _ in range(90)], np.intp)


def _drawn_mrz(symbols: NDArray[np.intp], moves: NDArray[np.float64]) -> NDArray[np.uint8]:
    """A rectified MRZ, dark glyphs on light paper, each line moved by `moves` (sub-pixel)."""
    width, height = canonical_size(ROW_STEP)
    box = box_height()
    flat = np.full((height, width), 220.0, np.float32)
    for line, (read, move) in enumerate(zip(symbols.reshape(3, 30), moves, strict=True)):
        ink = np.zeros((height, width), np.float32)
        top = even_grid(ROW_STEP)[line, 0, 1] - centre_fraction() * box
        left = even_grid(ROW_STEP)[line, 0, 0] - PITCH / 2
        y, x = int(top), int(left)
        ink[y : y + box, x : x + 30 * PITCH] = np.concatenate(list(_glyphs()[read]), 1)
        along, down = move + np.array([left - x, top - y])  # and the whole pixels' remainder
        shift = np.array([[1, 0, along], [0, 1, down]], np.float64)
        flat -= 180.0 * cv2.warpAffine(ink, shift, (width, height), flags=cv2.INTER_LINEAR)
    return np.asarray(np.clip(flat, 0, 255), np.uint8)


def test_each_line_is_found_where_its_symbols_are_drawn() -> None:
    symbols = _symbols()
    found = matched_centres(_drawn_mrz(symbols, MOVES), symbols, ROW_STEP)
    moved = found - even_grid(ROW_STEP)
    assert np.allclose(moved, MOVES[:, None, :], atol=0.1)
    assert np.allclose(moved - moved[:, :1], 0)  # a line moves whole


def test_a_few_symbols_read_wrong_do_not_move_the_line() -> None:
    symbols = _symbols()
    misread = symbols.copy()
    misread[[3, 11, 40, 77]] = (misread[[3, 11, 40, 77]] + 5) % len(CHARSET)
    flat = _drawn_mrz(symbols, MOVES)
    assert np.allclose(
        matched_centres(flat, misread, ROW_STEP), matched_centres(flat, symbols, ROW_STEP), atol=0.2
    )


def test_the_likeliest_symbols_are_those_the_layout_allows() -> None:
    found = np.zeros((90, len(CHARSET)), np.float32)
    found[:, CHARSET.index("X")] = 10.0  # X wins everywhere, but digits only may stand at 5
    found[5, CHARSET.index("7")] = 1.0
    symbols = likeliest_symbols(found)
    assert CHARSET[int(symbols[5])] == "7" and CHARSET[int(symbols[4])] == "X"
