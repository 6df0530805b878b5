"""A JPEG is decoded by simplejpeg instead of cv2.imdecode. In grey (a selfie, a signature, at
the scale nearest its working copy) the pixels must stay exactly those cv2.imdecode gives with
the grey flag the picture's size calls for, EXIF turn applied as cv2 applies it. In colour (a
card side) only the chroma upsampling differs (merged, not smooth, at full size): the same
picture, turned alike, its grey within a level or so of cv2's on a phone photo (the figures
of the checks were measured again on it: docs/identity.md)."""

import io
import itertools

import cv2
import numpy as np
import pytest
from numpy.typing import NDArray
from PIL import Image

from apoyo.synthetic import photos
from apoyo.synthetic.credential import back
from apoyo.synthetic.people import make_citizens
from apoyo_identity.analysis import _REDUCED, _REDUCED_GREY, decode_picture, reduction_for

# Whole, halved (4000 × 3000 as a phone's) and quartered, with odd sizes: the scaled sizes
# round up.
SIZES = [(1280, 960), (4001, 2999), (5603, 4201)]
# `picture`'s grain differs channel by channel, chroma noise no photo holds: where the
# upsampling differs, its grey moves by 0.12 levels on average (a phone photo's by 0.004).
GRAINED = 0.25
# A 1280 × 960 picture's flags: a selfie's grey is decoded at half size.
GREY_AND_COLOUR = ((False, cv2.IMREAD_REDUCED_GRAYSCALE_2), (True, cv2.IMREAD_COLOR))


def as_cv2_decodes(data: bytes, width: int, height: int, colour: bool) -> NDArray[np.uint8]:
    factor = reduction_for(width, height, card=colour)
    if colour:
        flag = dict(_REDUCED).get(factor, cv2.IMREAD_COLOR)
    else:
        flag = _REDUCED_GREY.get(factor, cv2.IMREAD_GRAYSCALE)
    return np.asarray(cv2.imdecode(np.frombuffer(data, np.uint8), flag), np.uint8)


def assert_decoded_as_cv2(data: bytes, grey_levels: float = 0.01) -> None:
    """Grey exactly as cv2 decodes it; colour the same picture but for the chroma upsampling:
    its grey within `grey_levels` of cv2's on average (a wrong turn or scale is off by tens),
    each channel within 3."""
    with Image.open(io.BytesIO(data)) as header:
        width, height = header.size
    grey = decode_picture(data, card=False)
    assert grey is not None
    assert np.array_equal(grey.image, as_cv2_decodes(data, width, height, colour=False))
    decoded = decode_picture(data)
    assert decoded is not None
    by_cv2 = as_cv2_decodes(data, width, height, colour=True)
    assert decoded.image.shape == by_cv2.shape
    assert (decoded.width, decoded.height) == (grey.width, grey.height)
    off = np.abs(decoded.image.astype(np.int16) - by_cv2)
    assert off.mean() < 3
    assert np.abs(as_grey(decoded.image) - as_grey(by_cv2)).mean() < grey_levels


def as_grey(image: NDArray[np.uint8]) -> NDArray[np.int16]:
    return np.asarray(cv2.cvtColor(image, cv2.COLOR_BGR2GRAY), np.int16)


def picture(width: int, height: int, seed: int = 0) -> NDArray[np.uint8]:
    """Grain over a gradient, different in every corner, so any turn or shift shows."""
    rows, cols = np.mgrid[0:height, 0:width]
    gradient = np.stack([cols * 255 // width, rows * 255 // height, (rows + cols) % 256], -1)
    grain = np.random.default_rng(seed).integers(0, 24, (height, width, 3))
    return np.asarray((gradient + grain) % 256, np.uint8)


def jpeg(image: NDArray[np.uint8], orientation: int = 1, **options: object) -> bytes:
    shown = Image.fromarray(image)
    exif = shown.getexif()
    if orientation != 1:
        exif[0x0112] = orientation
    data = io.BytesIO()
    shown.save(data, "JPEG", exif=exif.tobytes(), quality=90, **options)
    return data.getvalue()


@pytest.mark.parametrize("size", SIZES)
def test_a_jpeg_is_decoded_as_cv2_decodes_it_at_every_reduction(size: tuple[int, int]) -> None:
    assert_decoded_as_cv2(jpeg(picture(*size)), GRAINED)
    assert_decoded_as_cv2(jpeg(picture(*size), subsampling=0), GRAINED)  # 4:4:4
    assert_decoded_as_cv2(jpeg(picture(*size), progressive=True), GRAINED)


def test_phone_photos_of_every_level_are_decoded_as_cv2_decodes_them() -> None:
    person = make_citizens(1, seed=4242)[0]
    card = back(person)
    for level in range(4):
        assert_decoded_as_cv2(photos.phone_photo(card, level, seed=level))


@pytest.mark.parametrize("orientation", range(0, 10))
@pytest.mark.parametrize("size", SIZES[:2])
def test_a_turned_jpeg_is_turned_as_cv2_turns_it(orientation: int, size: tuple[int, int]) -> None:
    assert_decoded_as_cv2(jpeg(picture(*size), orientation), GRAINED)


def test_only_the_exif_orientation_turns_a_jpeg_as_for_cv2() -> None:
    image = Image.fromarray(picture(640, 480))
    data = io.BytesIO()
    xmp = b'<x:xmpmeta><rdf:Description tiff:Orientation="6"/></x:xmpmeta>'
    image.save(data, "JPEG", xmp=xmp)
    assert_decoded_as_cv2(data.getvalue(), GRAINED)


def test_grey_and_cmyk_jpegs_are_decoded_as_cv2_decodes_them() -> None:
    image = Image.fromarray(picture(640, 480))
    for mode in ("L", "CMYK"):
        data = io.BytesIO()
        image.convert(mode).save(data, "JPEG")
        assert_decoded_as_cv2(data.getvalue(), GRAINED)


def test_a_damaged_jpeg_is_refused_as_cv2_refuses_it() -> None:
    data = jpeg(picture(1280, 960))
    middle = len(data) // 2
    damaged = [
        data[: len(data) * 2 // 3],  # cut short
        data[:-2],  # without its end marker
        data[:middle] + bytes(64) + data[middle + 64 :],  # zeros inside the entropy data
        data[:400],  # the header alone
        data[:200] + bytes(2000),
    ]
    for each, (colour, flag) in itertools.product(damaged, GREY_AND_COLOUR):
        by_cv2 = cv2.imdecode(np.frombuffer(each, np.uint8), flag)
        decoded = decode_picture(each, card=colour)
        assert (decoded is None) == (by_cv2 is None)
        assert decoded is None or np.array_equal(decoded.image, np.asarray(by_cv2))
