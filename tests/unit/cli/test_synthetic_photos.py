import io

import numpy as np
import pytest
from PIL import Image

from apoyo.synthetic import card_style, credential, photos
from apoyo.synthetic.people import make_citizens
from apoyo_identity.rules.mrz import check_digit as mrz_check_digit
from apoyo_identity.vision import glyphs

PERSON = make_citizens(1, seed=8)[0]


def _open(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


@pytest.fixture(scope="module")
def flat_back() -> bytes:
    return credential.back(PERSON)


def test_phone_photos_are_reproducible_jpegs_of_the_level_size(flat_back: bytes) -> None:
    sizes = {0: (1092, 718), 1: (1280, 960), 2: (1280, 960), 3: (960, 720)}
    for level, size in sizes.items():
        photo = photos.phone_photo(flat_back, level, seed=3)
        assert photo == photos.phone_photo(flat_back, level, seed=3)
        image = _open(photo)
        assert image.format == "JPEG" and image.size == size
        assert 20_000 < len(photo) < 600_000
    assert photos.phone_photo(flat_back, 2, seed=4) != photos.phone_photo(flat_back, 2, seed=3)


def test_named_degradations_are_jpegs(flat_back: bytes) -> None:
    for make in (photos.photocopy, photos.screen_photo, photos.blurry, photos.too_small):
        assert _open(make(flat_back, 5)).format == "JPEG"
    assert photos.screen_photo(flat_back, 6) == photos.screen_photo(flat_back, 6)


def test_a_photocopy_has_no_colour(flat_back: bytes) -> None:
    pixels = np.asarray(_open(photos.photocopy(flat_back, 1)).convert("RGB"), np.int16)
    assert np.abs(pixels[..., 0] - pixels[..., 2]).mean() < 2


def _assert_valid_mrz(lines: tuple[str, str, str]) -> None:
    line1, line2, _ = lines
    assert [len(line) for line in lines] == [30, 30, 30]
    assert line1.startswith("IDMEX") and line2[15:18] == "MEX"
    assert line1[14] == mrz_check_digit(line1[5:14])
    assert line2[6] == mrz_check_digit(line2[0:6])
    assert line2[14] == mrz_check_digit(line2[8:14])
    composite = line1[5:30] + line2[0:7] + line2[8:15] + line2[18:29]
    assert line2[29] == mrz_check_digit(composite)


@pytest.fixture(scope="module")
def clean_backs() -> list[photos.LabelledImage]:
    return photos.labelled_backs(8, level=0, seed=21)


def test_labelled_backs_carry_a_valid_truth(clean_backs: list[photos.LabelledImage]) -> None:
    assert photos.labelled_backs(2, level=0, seed=21) == clean_backs[:2]
    assert {item.model for item in clean_backs} == set(card_style.MODELS)
    for item in clean_backs:
        _assert_valid_mrz(item.mrz)
        assert item.level == 0 and _open(item.image).format == "JPEG"
        assert len(item.qr_texts) == (3 if item.model in "GH" else 0)


def test_the_qr_codes_of_clean_photos_decode_to_the_truth(
    clean_backs: list[photos.LabelledImage],
) -> None:
    zxingcpp = pytest.importorskip("zxingcpp")
    with_qr = [item for item in clean_backs if item.qr_texts]
    assert with_qr
    for item in with_qr:
        found = {code.text for code in zxingcpp.read_barcodes(_open(item.image))}
        assert found == set(item.qr_texts)


def test_front_back_and_signature_keep_their_formats() -> None:
    assert _open(credential.front(PERSON)).size == (card_style.WIDTH, card_style.HEIGHT)
    assert _open(credential.back(PERSON)).format == "JPEG"
    assert _open(credential.signature(PERSON)).format == "PNG"
    _assert_valid_mrz(credential.mrz_lines(PERSON))


def test_a_missing_ocr_b_font_names_the_package(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("APOYO_OCRB_FONT", raising=False)
    monkeypatch.setattr(glyphs, "FONT_PATHS", ())
    with pytest.raises(glyphs.FontMissingError, match="fonts-ocr-b"):
        glyphs.font_path()
