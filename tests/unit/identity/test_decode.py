"""A JPEG is decoded by simplejpeg instead of cv2.imdecode: the pixels must stay exactly those
cv2.imdecode gives with the flag the picture's size calls for, EXIF turn applied as cv2
applies it, since every figure of the checks was measured on cv2's pixels."""

import io

import cv2
import numpy as np
import pytest
from numpy.typing import NDArray
from PIL import Image

from apoyo.synthetic import photos
from apoyo.synthetic.credential import back
from apoyo.synthetic.people import make_citizens
from apoyo_identity.analysis import _REDUCED, decode_picture, reduction_for

# Whole, halved (4000 × 3000 as a phone's) and quartered, with odd sizes: the scaled sizes
# round up.
SIZES = [(1280, 960), (4001, 2999), (5603, 4201)]


def as_cv2_decodes(data: bytes, width: int, height: int) -> NDArray[np.uint8]:
    flag = dict(_REDUCED).get(reduction_for(width, height), cv2.IMREAD_COLOR)
    return np.asarray(cv2.imdecode(np.frombuffer(data, np.uint8), flag), np.uint8)


def assert_decoded_as_cv2(data: bytes) -> None:
    with Image.open(io.BytesIO(data)) as header:
        width, height = header.size
    decoded = decode_picture(data)
    assert decoded is not None
    assert np.array_equal(decoded.image, as_cv2_decodes(data, width, height))


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
    assert_decoded_as_cv2(jpeg(picture(*size)))
    assert_decoded_as_cv2(jpeg(picture(*size), subsampling=0))  # 4:4:4
    assert_decoded_as_cv2(jpeg(picture(*size), progressive=True))


def test_phone_photos_of_every_level_are_decoded_as_cv2_decodes_them() -> None:
    person = make_citizens(1, seed=4242)[0]
    card = back(person)
    for level in range(4):
        assert_decoded_as_cv2(photos.phone_photo(card, level, seed=level))


@pytest.mark.parametrize("orientation", range(0, 10))
@pytest.mark.parametrize("size", SIZES[:2])
def test_a_turned_jpeg_is_turned_as_cv2_turns_it(orientation: int, size: tuple[int, int]) -> None:
    assert_decoded_as_cv2(jpeg(picture(*size), orientation))


def test_only_the_exif_orientation_turns_a_jpeg_as_for_cv2() -> None:
    image = Image.fromarray(picture(640, 480))
    data = io.BytesIO()
    xmp = b'<x:xmpmeta><rdf:Description tiff:Orientation="6"/></x:xmpmeta>'
    image.save(data, "JPEG", xmp=xmp)
    assert_decoded_as_cv2(data.getvalue())


def test_grey_and_cmyk_jpegs_are_decoded_as_cv2_decodes_them() -> None:
    image = Image.fromarray(picture(640, 480))
    for mode in ("L", "CMYK"):
        data = io.BytesIO()
        image.convert(mode).save(data, "JPEG")
        assert_decoded_as_cv2(data.getvalue())


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
    for each in damaged:
        by_cv2 = cv2.imdecode(np.frombuffer(each, np.uint8), cv2.IMREAD_COLOR)
        decoded = decode_picture(each)
        assert (decoded is None) == (by_cv2 is None)
        assert decoded is None or np.array_equal(decoded.image, np.asarray(by_cv2))
