"""Evidence checks on synthetic pictures: good ones pass, each degradation is caught."""

import dataclasses
import random

import cv2
import numpy as np
import pytest
from numpy.typing import NDArray

from apoyo.synthetic import photos
from apoyo.synthetic.credential import back, front
from apoyo.synthetic.people import make_citizens
from apoyo.synthetic.photo_ops import desk
from apoyo_identity.adapters.memory import InMemoryPictureIndex
from apoyo_identity.analysis import analyse_support
from apoyo_identity.domain import support_flags
from apoyo_identity.reuse import REUSE_DISTANCE, coarse, fine, hamming, is_reuse
from apoyo_identity.vision import evidence
from apoyo_identity.vision.faces import cascade, windows_at
from apoyo_identity.vision.phash import COARSE, FINE, _signs, perceptual_hash
from apoyo_identity.vision.text_rows import text_boxes

Image = NDArray[np.uint8]


def decoded(data: bytes) -> Image:
    return np.asarray(cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR), np.uint8)


def jpeg(image: Image, quality: int) -> Image:
    return decoded(cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, quality])[1].tobytes())


@pytest.fixture(scope="module")
def pictures() -> dict[str, Image]:
    person = make_citizens(1, seed=4242)[0]
    f, b = front(person), back(person)
    good_front = decoded(photos.phone_photo(f, 1, seed=1))
    gray = cv2.cvtColor(good_front, cv2.COLOR_BGR2GRAY).astype(np.float32)
    cast = gray[..., None] * np.array([0.9, 0.97, 1.02], np.float32)  # white-balance cast
    return {
        "front": good_front,
        "back": decoded(photos.phone_photo(b, 2, seed=2)),
        "black_and_white": jpeg(np.clip(cast, 0, 255).astype(np.uint8), 80),
        "photocopy": decoded(photos.photocopy(f, seed=3)),
        "screen": decoded(photos.screen_photo(f, seed=4)),
        "blurry": decoded(photos.blurry(b, seed=5)),
        "too_small": decoded(photos.too_small(b, seed=6)),
    }


def test_grayscale_is_the_absence_of_colour_not_a_grey_desk(pictures: dict[str, Image]) -> None:
    assert not evidence.looks_grayscale(pictures["front"])
    assert not evidence.looks_grayscale(pictures["back"])  # mostly neutral, a little tint
    assert evidence.looks_grayscale(pictures["black_and_white"])  # despite its colour cast
    assert evidence.looks_grayscale(pictures["photocopy"])
    gray = np.asarray(cv2.cvtColor(pictures["front"], cv2.COLOR_BGR2GRAY), np.uint8)
    assert evidence.looks_grayscale(gray)


@pytest.mark.parametrize("size", [1, 2, 3, 4, 1000, 4097])
def test_the_grayscale_checks_medians_are_numpys(size: int) -> None:
    values = np.random.default_rng(size).random((3, size)).astype(np.float32)
    values[:, ::3] = values[:, :1]  # ties
    assert np.array_equal(evidence._row_medians(values), np.median(values, axis=1))


def test_a_photocopy_is_more_than_a_black_and_white_photo(pictures: dict[str, Image]) -> None:
    assert evidence.looks_photocopy(pictures["photocopy"])
    assert not evidence.looks_photocopy(pictures["black_and_white"])
    assert not evidence.looks_photocopy(pictures["front"])


def test_a_photo_of_a_screen_shows_its_moire(pictures: dict[str, Image]) -> None:
    assert evidence.looks_screen(pictures["screen"])
    assert not evidence.looks_screen(pictures["front"])
    assert not evidence.looks_screen(pictures["back"])


def test_blur(pictures: dict[str, Image]) -> None:
    assert evidence.is_blurry(pictures["blurry"])
    assert not evidence.is_blurry(pictures["front"])
    assert not evidence.is_blurry(pictures["back"])


def test_the_blur_checks_limits_are_its_ratios_threshold() -> None:
    """A slope under its contrast's limit is exactly one whose ratio to the contrast, divided
    in float32, is under SHARPNESS: checked at every edge's contrast, on the float32 values
    around each limit and on a spread of others."""
    limits = evidence._soft_limits()
    assert not limits[: evidence._EDGE + 1].any()
    spread = np.linspace(0, 2000, 4001, dtype=np.float32)
    for level in range(evidence._EDGE + 1, 256):
        bits = limits[level : level + 1].view(np.uint32)[0]
        near = np.arange(bits - 64, bits + 64, dtype=np.uint32).view(np.float32)
        slopes = np.concatenate([near, spread])
        ratios = slopes / np.float32(8 * level)
        assert np.array_equal(slopes < limits[level], ratios < np.float64(evidence.SHARPNESS))


def test_too_small(pictures: dict[str, Image]) -> None:
    assert evidence.is_too_small(pictures["too_small"])
    assert evidence.is_too_small(np.asarray(cv2.resize(pictures["front"], (320, 240)), np.uint8))
    assert not evidence.is_too_small(pictures["front"])
    assert not evidence.is_too_small(pictures["back"])


def test_the_hash_survives_reencoding_resizing_and_brightness(pictures: dict[str, Image]) -> None:
    image = pictures["front"]
    original = perceptual_hash(image)
    assert 0 <= original < 1 << 128
    copies = [
        jpeg(image, 40),
        np.asarray(cv2.resize(image, None, fx=0.6, fy=0.6, interpolation=cv2.INTER_AREA)),
        np.asarray(cv2.resize(image, None, fx=1.3, fy=1.3)),
        np.asarray(cv2.convertScaleAbs(image, alpha=1.15, beta=-20)),
    ]
    for copy in copies:
        assert is_reuse(original, perceptual_hash(np.asarray(copy, np.uint8)))


def test_the_hash_is_that_of_the_area_averaged_thumbnails(pictures: dict[str, Image]) -> None:
    # Folded into projections, the thumbnails are not rounded to whole grey levels: a
    # coefficient near zero may change sign, no more.
    work = evidence.views(pictures["back"]).work
    assert min(work.shape) >= FINE[0]
    thumbnails = _signs(work, *COARSE) << 64 | _signs(work, *FINE)
    projected = perceptual_hash(work)
    assert hamming(coarse(projected), coarse(thumbnails)) <= 2
    assert hamming(fine(projected), fine(thumbnails)) <= 2


def test_the_hash_tells_apart_scans_of_cards_with_the_same_layout() -> None:
    # Flatbed scans (level 0) of two people's fronts share every printed line of the model:
    # these two are near on the coarse half, and only the fine half tells them apart.
    people = make_citizens(7, seed=21)
    a, b = (
        perceptual_hash(decoded(photos.phone_photo(front(people[i]), 0, seed=0))) for i in (5, 6)
    )
    assert hamming(coarse(a), coarse(b)) <= REUSE_DISTANCE
    assert not is_reuse(a, b)


def test_hamming() -> None:
    assert hamming(0, 0) == 0
    assert hamming(0b1011, 0b0001) == 2
    assert hamming((1 << 64) - 1, 0) == 64


def support(front: Image, back: Image | None, selfie: Image | None = None) -> tuple[str, ...]:
    """A support's flags the way the identity service raises them."""
    sent = {"credential_front": front, "credential_back": back, "selfie": selfie}
    images = {kind: png(image) for kind, image in sent.items() if image is not None}
    return support_flags(analyse_support(images), reused=False)


def png(image: Image) -> bytes:
    return cv2.imencode(".png", image)[1].tobytes()


def test_good_support_has_no_flag(pictures: dict[str, Image]) -> None:
    assert support(pictures["front"], pictures["back"]) == ()


def test_support_level_flags(pictures: dict[str, Image], monkeypatch: pytest.MonkeyPatch) -> None:
    # The picture checks have their own tests; here only the pairing logic is exercised.
    monkeypatch.setattr(evidence, "flags", lambda seen, legible: [])
    swapped = support(pictures["back"], pictures["front"])
    assert "SIDES_SWAPPED" in swapped and "NO_MRZ" not in swapped  # the MRZ was found
    twice = support(pictures["front"], jpeg(pictures["front"], 60))
    assert {"ONLY_ONE_SIDE", "NO_MRZ"} <= set(twice)
    one = support(pictures["front"], None)
    assert "ONLY_ONE_SIDE" in one and "NO_MRZ" not in one


async def test_a_picture_sent_again_for_another_support_is_found() -> None:
    index = InMemoryPictureIndex()
    person = make_citizens(1, seed=77)[0]
    original = decoded(photos.phone_photo(front(person), 1, seed=5))
    await index.record("p", "s-1", {"credential_front": perceptual_hash(original)})
    resent = {"credential_back": perceptual_hash(jpeg(original, 50))}
    assert await index.reused("p", "s-2", resent)
    assert not await index.reused("p", "s-1", resent)  # its own picture is no reuse
    assert not await index.reused("other-process", "s-2", resent)


def test_picture_flags_reach_the_support(pictures: dict[str, Image]) -> None:
    r, rng = random.Random(1), np.random.default_rng(1)
    empty_desk = np.asarray(cv2.cvtColor(desk(r, rng, (400, 300)), cv2.COLOR_RGB2BGR), np.uint8)
    found = support(pictures["photocopy"], pictures["blurry"], empty_desk)
    assert {"GRAYSCALE", "PHOTOCOPY", "BLURRY", "NO_MRZ", "NO_FACE"} <= set(found)  # no one there
    assert "TOO_SMALL" not in found  # a blurred picture's text size is not judged


def test_cascade_windows_match_opencv_4() -> None:
    # OpenCV 4.14's CascadeClassifier.detectMultiScale on this image, at the cascade's own
    # size only and without grouping, with the cascade cut after 2 and after 4 stages.
    noise = np.random.default_rng(3).integers(0, 256, (90, 120)).astype(np.uint8)
    image = (noise // 2 + noise[::-1] // 4 + 64).astype(np.uint8)
    full = cascade()
    after_two = windows_at(image, dataclasses.replace(full, stages=full.stages[:2]))
    after_four = windows_at(image, dataclasses.replace(full, stages=full.stages[:4]))
    assert len(after_two) == 143
    assert sorted(map(tuple, after_four.tolist())) == [
        (0, 34), (2, 22), (10, 42), (12, 42), (16, 28), (18, 44), (20, 22), (30, 2),
        (34, 4), (36, 28), (36, 44), (38, 42), (40, 0), (40, 42), (42, 0), (42, 40),
        (42, 42), (50, 14), (58, 20), (58, 22), (58, 24), (64, 0), (66, 18), (68, 10),
    ]  # fmt: skip


def test_the_screen_checks_spectra_are_the_tiles_power_near_the_zero_frequency() -> None:
    """`_power` unpacks OpenCV's packed real DFT and mirrors it; numpy's complex FFT says
    what each bin must hold. The bins it leaves out are outside the band."""
    size = evidence._TILE
    tiles = np.random.default_rng(3).normal(0, 40, (5, size, size)).astype(np.float32)
    power = evidence._power(tiles)
    rows = evidence._CENTRED_ROWS
    expected = np.abs(np.fft.fft2(tiles.astype(np.float64))) ** 2
    np.testing.assert_allclose(power, expected[:, rows][:, :, rows], rtol=1e-3, atol=1e-2)
    f = np.fft.fftfreq(size)
    radius = np.hypot(f[:, None], f[None, :])
    outside = np.ones((size, size), bool)
    outside[np.ix_(rows, rows)] = False
    # A bin and more past the band's edge.
    assert radius[outside].min() > 1 / evidence._SHORTEST + 1 / size


def test_the_screen_check_in_two_goes_calls_as_all_its_tiles_would(
    pictures: dict[str, Image],
) -> None:
    """`_moire` stops once enough tiles are under the threshold; the call is the one of the
    percentile of every tile's share, and each share is its own whatever the tiles beside."""
    for name in ("front", "back", "screen"):
        seen = evidence.views(pictures[name])
        area = evidence._text_area(seen.work, text_boxes(seen.work))
        assert area is not None
        tops, lefts = evidence._tiles_inside(area, seen.work.shape)
        kept = evidence._sample(len(tops))
        tops, lefts = tops[kept], lefts[kept]
        shares = evidence._grating_shares(seen.work, tops, lefts)
        halves = [evidence._grating_shares(seen.work, tops[i::2], lefts[i::2]) for i in (0, 1)]
        assert np.array_equal(np.sort(np.concatenate(halves)), np.sort(shares))
        expected = float(np.percentile(shares, evidence._PERCENTILE)) > evidence.GRATING_SHARE
        assert evidence._moire(seen.work, area) == expected == (name == "screen")


def test_the_screen_checks_call_in_goes_is_that_of_every_tiles_percentile(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Whatever the shares (ties with the threshold, runs of high ones at the start or the
    end), the call settled early is the one of the 85th percentile of them all."""
    rng = np.random.default_rng(11)
    gray, area = np.zeros((8, 8), np.uint8), np.ones((8, 8), np.float32)
    for _ in range(2000):
        count = int(rng.integers(6, evidence.MAX_TILES + 1))
        levels = [0.1, evidence.GRATING_SHARE, 0.25]
        shares = rng.choice(levels, count) if rng.random() < 0.5 else rng.uniform(0.1, 0.25, count)
        if rng.random() < 0.3:
            shares = np.sort(shares)[:: int(rng.choice([-1, 1]))]
        tiles = np.arange(count)
        monkeypatch.setattr(evidence, "_tiles_inside", lambda *_, t=tiles: (t, t))
        monkeypatch.setattr(evidence, "_grating_shares", lambda _, t, __, s=shares: s[t])
        expected = float(np.percentile(shares, evidence._PERCENTILE)) > evidence.GRATING_SHARE
        assert evidence._moire(gray, area) == expected


def test_the_screen_check_samples_its_tiles_evenly_without_a_whole_step() -> None:
    for count in (1, 6, 47, 48, 49, 96, 170, 1000):
        kept = evidence._sample(count)
        assert len(kept) == min(count, evidence.MAX_TILES)
        assert kept[0] == 0 and np.all(np.diff(kept) >= 1) and kept[-1] < count
    # 170 tiles in rows of 10: a whole step of 4 keeps the even columns alone; the
    # fractional step reaches every column.
    assert len(set(evidence._sample(170) % 10)) == 10


def test_the_screen_checks_tiles_are_the_working_copys_32_px_squares() -> None:
    gray = np.random.default_rng(5).integers(0, 256, (300, 449), np.uint8)
    tops, lefts = np.array([0, 16, 256, 256]), np.array([0, 416, 0, 416])  # up to the edges
    tiles = evidence._tiles(gray, tops, lefts)
    assert tiles.dtype == np.float32 and tiles.flags.c_contiguous
    for tile, y, x in zip(tiles, tops, lefts, strict=True):
        assert np.array_equal(tile, gray[y : y + 32, x : x + 32])


def test_a_card_sides_colour_copy_is_made_with_its_grey_copies() -> None:
    picture = np.random.default_rng(5).integers(0, 256, (960, 1280, 3), dtype=np.uint8)
    side, other = evidence.views(picture, colour=True), evidence.views(picture)
    assert "colour" in vars(side) and "colour" not in vars(other)  # made now, or when asked
