"""A phone's 12-megapixel photo is decoded at half size: the verdicts and the reuse hash stay
those of the picture decoded whole."""

import dataclasses
import io

import cv2
import numpy as np
import pytest
from numpy.typing import NDArray
from PIL import Image

from apoyo.synthetic import photos
from apoyo.synthetic.credential import back, front, signature
from apoyo.synthetic.people import make_citizens
from apoyo_identity.analysis import _REDUCED_GREY, analyse_image, decode_picture, reduction_for
from apoyo_identity.reuse import is_reuse
from apoyo_identity.vision import evidence, mrz_reader
from apoyo_identity.vision.phash import perceptual_hash

PHONE = (4000, 3000)


def whole(data: bytes) -> NDArray[np.uint8]:
    return np.asarray(cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR), np.uint8)


def phone_sized(photo: bytes, seed: int) -> bytes:
    """The 1280 px photo as a 12-megapixel phone sends it: enlarged, with its own grain."""
    large = cv2.resize(whole(photo), PHONE, interpolation=cv2.INTER_CUBIC).astype(np.float32)
    large += np.random.default_rng(seed).normal(0, 2.5, (PHONE[1], PHONE[0], 1))
    noisy = np.clip(large, 0, 255).astype(np.uint8)
    return bytes(cv2.imencode(".jpg", noisy, [cv2.IMWRITE_JPEG_QUALITY, 90])[1])


@pytest.fixture(scope="module")
def large() -> dict[str, bytes]:
    person = make_citizens(1, seed=4242)[0]
    return {
        "back": phone_sized(photos.phone_photo(back(person), 1, seed=2), seed=1),
        "too_small": phone_sized(photos.too_small(front(person), seed=6), seed=2),
    }


def test_only_large_photos_are_reduced_and_never_below_the_checks_sizes() -> None:
    assert reduction_for(1280, 960) == reduction_for(2799, 2000) == 1
    assert reduction_for(4000, 3000) == reduction_for(3000, 4000) == 2
    assert reduction_for(6000, 4500) == 4
    assert reduction_for(2800, 700) == 1  # its shorter side would fall under 400 px


def test_a_large_photo_is_decoded_at_half_size_and_reported_as_sent(
    large: dict[str, bytes],
) -> None:
    decoded = decode_picture(large["back"])
    assert decoded is not None and decoded.reduction == 2
    assert decoded.image.shape == (1500, 2000, 3)
    assert (decoded.width, decoded.height) == PHONE
    found = analyse_image(large["back"], "credential_back")
    assert (found.width, found.height) == PHONE


def test_a_large_png_is_reduced_too() -> None:
    data = cv2.imencode(".png", np.full((3000, 4000, 3), 200, np.uint8))[1].tobytes()
    decoded = decode_picture(data)
    assert decoded is not None and decoded.reduction == 2
    assert decoded.image.shape == (1500, 2000, 3)


def test_a_turned_photo_keeps_its_size_as_shown() -> None:
    picture = Image.fromarray(np.full((3000, 4000, 3), 128, np.uint8))
    exif = picture.getexif()
    exif[0x0112] = 6  # shown turned a quarter
    data = io.BytesIO()
    picture.save(data, "JPEG", exif=exif.tobytes())
    decoded = decode_picture(data.getvalue())
    assert decoded is not None and decoded.image.shape[:2] == (2000, 1500)
    assert (decoded.width, decoded.height) == (3000, 4000)


def test_the_size_verdict_is_that_of_the_whole_picture(large: dict[str, bytes]) -> None:
    for name, data in large.items():
        decoded = decode_picture(data)
        assert decoded is not None and decoded.reduction == 2
        seen = evidence.views(decoded.image, reduction=decoded.reduction)
        boxes = evidence._boxes(seen)
        assert evidence._small(seen, boxes) == evidence.is_too_small(whole(data)), name
    assert evidence.is_too_small(whole(large["too_small"]))
    assert not evidence.is_too_small(whole(large["back"]))
    assert "TOO_SMALL" not in analyse_image(large["back"], "credential_back").flags


def test_characters_are_measured_as_sent() -> None:
    # A dozen characters 2 px tall on a working copy reduced by 3 from a picture decoded at
    # half size are 12 px tall as sent: legible. Untold of the decode, they would be 6.
    picture = np.zeros((1500, 2000), np.uint8)
    seen = evidence.views(picture, reduction=2)
    assert seen.factor == 3
    boxes = np.array([(10 * i, 0, 2, 2) for i in range(evidence.MIN_CHARACTERS)], np.int64)
    assert not evidence._small(seen, boxes)
    assert evidence._small(evidence.views(picture), boxes)
    narrow = evidence.views(np.zeros((390, 2000), np.uint8), reduction=2)
    assert not evidence._small(narrow, boxes)  # 780 px as sent
    assert evidence._small(dataclasses.replace(narrow, reduction=1), boxes)


def test_a_picture_hashed_whole_is_found_again_when_decoded_at_half_size(
    large: dict[str, bytes],
) -> None:
    for data in large.values():
        stored = perceptual_hash(evidence.views(whole(data)).work)  # as hashed before
        found = analyse_image(data, "credential_back").phash
        assert found is not None and is_reuse(stored, found)


@pytest.mark.parametrize("shape", [(1500, 2000), (960, 1280)])
def test_the_mrz_reader_sees_the_screen_checks_copy_as_it_would_make_it(
    shape: tuple[int, int],
) -> None:
    # analyse_image hands the reader the screen check's copy instead of the grey picture.
    picture = np.random.default_rng(9).integers(0, 256, (*shape, 3), dtype=np.uint8)
    seen = evidence.views(picture, colour=True)
    assert mrz_reader.WORKING_SIDE == evidence.SCREEN_SIDE
    assert np.array_equal(seen.screen, mrz_reader.working_gray(seen.gray))
    assert mrz_reader.working_gray(seen.screen) is seen.screen  # not reduced again
    assert (seen.screen is seen.gray) == (max(shape) <= evidence.SCREEN_SIDE)


def test_a_selfie_or_a_signature_is_reduced_to_about_its_working_copy() -> None:
    assert reduction_for(1280, 960, card=False) == reduction_for(960, 1280, card=False) == 2
    assert reduction_for(4000, 3000, card=False) == 8  # 500 × 375
    assert reduction_for(2000, 1500, card=False) == 4
    assert reduction_for(700, 525, card=False) == reduction_for(400, 160, card=False) == 1


@pytest.mark.parametrize("size", [(1280, 960), PHONE])
def test_a_selfie_and_a_signature_are_seen_in_grey_and_found_again_as_hashed_before(
    size: tuple[int, int],
) -> None:
    """Only a card side's checks need its colours: a selfie (a JPEG) and a signature (a grey
    PNG) are decoded straight to grey at about their working copy's size, and their hash
    still finds them hashed before, from colours decoded whole or at half size."""
    person = make_citizens(1, seed=4242)[0]
    selfie = photos.phone_photo(front(person), 1, seed=3)
    if size == PHONE:
        selfie = phone_sized(selfie, seed=4)
    for kind, data in (("selfie", selfie), ("signature", signature(person))):
        found = analyse_image(data, kind)
        flag = _REDUCED_GREY.get(reduction_for(*size, card=False), cv2.IMREAD_GRAYSCALE)
        if kind == "selfie":
            grey = cv2.imdecode(np.frombuffer(data, np.uint8), flag)
            assert found.phash == perceptual_hash(evidence.views(np.asarray(grey)).work)
        before = decode_picture(data)  # in colour, as before
        assert before is not None and found.phash is not None
        stored = perceptual_hash(evidence.views(before.image).work)
        assert is_reuse(stored, found.phash)
    # The signature is a grey PNG of 400 px: its grey is the same decoded either way.
    assert found.phash == stored
