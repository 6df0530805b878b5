"""When two perceptual hashes (vision/phash.py) are the same picture sent again: pure, so
that the domain and the picture indexes need no image library.

A hash is 128 bits: a coarse half (high 64 bits) and a fine half (low 64 bits). Two pictures
are the same when both halves are within REUSE_DISTANCE bits of each other's.
"""

# Measured on synthetic photos (benchmarks/evidence.py): copies re-encoded, resized, or
# gamma-shifted differ by at most 7 bits on the coarse half (typically 0-1) and 5 on the fine
# one; a strong brightness/contrast change reached 10 on the coarse half once in 300.
# Different cards lie at a median of 32; flatbed scans of two fronts (same layout) came within
# 7 coarse bits in about 1 pair of 75, but were then 8 or more fine bits apart.
REUSE_DISTANCE = 7
HALF = 64
_HALF_MASK = (1 << HALF) - 1
# The coarse half's 16-bit quarters, for the banded search: two hashes within the reuse
# distance differ in at most one bit of one of them, as long as BANDS * 2 > REUSE_DISTANCE.
BANDS, BAND_BITS = 4, 16


def coarse(value: int) -> int:
    return value >> HALF


def fine(value: int) -> int:
    return value & _HALF_MASK


def hamming(a: int, b: int) -> int:
    return (a ^ b).bit_count()


def is_reuse(a: int, b: int) -> bool:
    near = hamming(coarse(a), coarse(b)) <= REUSE_DISTANCE
    return near and hamming(fine(a), fine(b)) <= REUSE_DISTANCE


def bands(value: int) -> list[int]:
    """The coarse half's quarters, lowest first."""
    mask = (1 << BAND_BITS) - 1
    return [(coarse(value) >> (BAND_BITS * band)) & mask for band in range(BANDS)]
