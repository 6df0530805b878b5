"""When two perceptual hashes (vision/phash.py) are the same picture sent again: pure, so
that the domain and the picture indexes need no image library."""

# Hamming distance up to which two hashes are the same picture. Measured on synthetic
# photos (benchmarks/evidence.py): copies re-encoded, resized or gamma-shifted differ by
# at most 7 bits, typically 0-1; a strong brightness/contrast change reached 10 once in 300.
# Different cards lie at a median of 32, but flatbed scans of two fronts (same layout) came
# as close as 8, once in 1225 pairs. 7 keeps every different pair apart.
REUSE_DISTANCE = 7
# A hash's 16-bit quarters, for the banded search: two hashes within the reuse distance
# differ in at most one bit of one of them, as long as BANDS * 2 > REUSE_DISTANCE.
BANDS, BAND_BITS = 4, 16


def hamming(a: int, b: int) -> int:
    return (a ^ b).bit_count()


def is_reuse(a: int, b: int) -> bool:
    return hamming(a, b) <= REUSE_DISTANCE


def bands(value: int) -> list[int]:
    """The hash's quarters, lowest first."""
    mask = (1 << BAND_BITS) - 1
    return [(value >> (BAND_BITS * band)) & mask for band in range(BANDS)]
