"""The barcode reader on synthetic card backs and on this project's own codes."""

import base64
import io

import cv2
import numpy as np
import pytest
import segno
import zxingcpp
from numpy.typing import NDArray

from apoyo.synthetic.photos import LabelledImage, labelled_backs
from apoyo_identity.vision import barcodes
from apoyo_identity.vision.barcodes import (
    APOYO,
    INE_DENSE,
    INE_URL,
    OTHER,
    ReceiptCode,
    SheetCode,
    classify,
    parse_apoyo,
    read_barcodes,
    receipt_text,
    sheet_text,
)

SUPPORT_ID = "0f8e7d6c-1234-4bcd-9abc-1234567890ab"


def decoded(data: bytes, flags: int = cv2.IMREAD_COLOR) -> NDArray[np.uint8]:
    return np.asarray(cv2.imdecode(np.frombuffer(data, np.uint8), flags), np.uint8)


def qr_image(text: str, scale: int, size: tuple[int, int] = (600, 800)) -> NDArray[np.uint8]:
    """`text` as a QR code on a light grey page, slightly blurred, as BGR."""
    buffer = io.BytesIO()
    segno.make_qr(text, error="m").save(buffer, kind="png", scale=scale, border=4)
    code = decoded(buffer.getvalue(), cv2.IMREAD_GRAYSCALE)
    page = np.full(size, 225, np.uint8)
    page[40 : 40 + code.shape[0], 60 : 60 + code.shape[1]] = code
    return np.asarray(cv2.cvtColor(cv2.GaussianBlur(page, (0, 0), 0.8), cv2.COLOR_GRAY2BGR))


@pytest.fixture(scope="module")
def backs() -> list[LabelledImage]:
    return labelled_backs(3, 0, seed=41) + labelled_backs(3, 1, seed=42)


def test_clean_and_mild_backs_read_every_qr_code_exactly(backs: list[LabelledImage]) -> None:
    assert {item.model for item in backs} & {"G", "H"}
    for item in backs:
        codes = read_barcodes(decoded(item.image))
        assert sorted(code.text for code in codes) == sorted(item.qr_texts)
        assert all(code.format == "QRCode" for code in codes)


def test_a_card_read_stops_once_the_backs_codes_are_read(
    backs: list[LabelledImage], monkeypatch: pytest.MonkeyPatch
) -> None:
    item = next(item for item in backs if item.qr_texts)
    image = decoded(item.image)
    every = read_barcodes(image)
    first, *later = barcodes._PASSES

    def not_run(gray: NDArray[np.uint8]) -> list[object]:
        raise AssertionError("a later pass ran")

    monkeypatch.setattr(barcodes, "_PASSES", (first, *[not_run for _ in later]))
    receipt = qr_image(receipt_text(SUPPORT_ID), scale=5)
    with pytest.raises(AssertionError):
        read_barcodes(receipt, card=True)
    # Read at full scale alone, a complete back needs none of the passes.
    monkeypatch.setattr(barcodes, "_PASSES", (not_run,))
    assert read_barcodes(image, card=True) == every


def test_a_card_side_without_the_backs_codes_is_read_by_every_pass() -> None:
    receipt = qr_image(receipt_text(SUPPORT_ID), scale=5)
    assert read_barcodes(receipt, card=True) == read_barcodes(receipt)
    assert [code.kind for code in read_barcodes(receipt, card=True)] == [APOYO]


def test_ine_codes_are_told_apart(backs: list[LabelledImage]) -> None:
    item = next(item for item in backs if item.qr_texts)
    kinds = {code.text: code.kind for code in read_barcodes(decoded(item.image))}
    url = next(text for text in item.qr_texts if text.startswith("https://"))
    assert kinds.pop(url) == INE_URL
    assert list(kinds.values()) == [INE_DENSE, INE_DENSE]


def test_an_apoyo_receipt_is_recognised_with_its_fields() -> None:
    (code,) = read_barcodes(qr_image(receipt_text(SUPPORT_ID), scale=5))
    assert (code.format, code.kind, code.text) == ("QRCode", APOYO, f"apoyo:receipt:{SUPPORT_ID}")
    assert parse_apoyo(code.text) == ReceiptCode(SUPPORT_ID)
    assert code.as_json() == {"format": "QRCode", "text": code.text}


def test_a_form_sheet_code_reads_on_a_large_grey_photo() -> None:
    text = sheet_text("proc-7", "asp-12", 3)
    gray = cv2.cvtColor(qr_image(text, scale=24, size=(3000, 4000)), cv2.COLOR_BGR2GRAY)
    (code,) = read_barcodes(np.asarray(gray, np.uint8))
    assert code.kind == APOYO and parse_apoyo(code.text) == SheetCode("proc-7", "asp-12", 3)


@pytest.mark.parametrize("turn", [None, cv2.ROTATE_90_CLOCKWISE])
def test_a_1d_code_reads_upright_and_turned(turn: int | None) -> None:
    code128 = zxingcpp.create_barcode("SUP-00012345", zxingcpp.BarcodeFormat.Code128)
    bars = np.asarray(code128.to_image(scale=3), np.uint8)
    page = np.full((480, 640), 235, np.uint8)
    page[100:200, 40 : 40 + bars.shape[1]] = cv2.resize(bars, (bars.shape[1], 100))
    image = page if turn is None else cv2.rotate(page, turn)
    (code,) = read_barcodes(np.asarray(image, np.uint8))
    assert (code.format, code.text, code.kind) == ("Code128", "SUP-00012345", OTHER)


@pytest.mark.parametrize(
    ("text", "parsed"),
    [
        ("apoyo:receipt:abc-1", ReceiptCode("abc-1")),
        ("apoyo:sheet:p:a:12", SheetCode("p", "a", 12)),
        ("apoyo:receipt:", None),
        ("apoyo:receipt:a:b", None),
        ("apoyo:receipt: a", None),
        ("apoyo:sheet:p:a", None),
        ("apoyo:sheet:p:a:0", None),
        ("apoyo:sheet:p:a:x", None),
        ("apoyo:sheet:p::1", None),
        ("apoyo:other:1", None),
        ("https://apoyo.example/receipt/1", None),
    ],
)
def test_apoyo_codes_parse_strictly(text: str, parsed: ReceiptCode | SheetCode | None) -> None:
    assert parse_apoyo(text) == parsed


def test_apoyo_codes_refuse_fields_that_would_not_parse_back() -> None:
    for bad in ("", "a:b", " a"):
        with pytest.raises(ValueError, match="apoyo code"):
            receipt_text(bad)
    with pytest.raises(ValueError, match="start at 1"):
        sheet_text("p", "a", 0)


@pytest.mark.parametrize(
    ("format_name", "text", "binary", "kind"),
    [
        ("QRCode", "https://listanominal.ine.mx/scpln/v/abc", False, INE_URL),
        ("QRCode", "http://INE.MX/", False, INE_URL),
        ("QRCode", "https://ine.mx.example.com/x", False, OTHER),
        ("QRCode", "https://notine.mx/x", False, OTHER),
        ("QRCode", base64.b64encode(bytes(range(72))).decode(), False, INE_DENSE),
        ("QRCode", "x" * 300, False, INE_DENSE),
        ("QRCode", bytes(range(40)).hex(), False, INE_DENSE),
        ("QRCode", "https://example.com/verify?token=" + "aB3dE5gH7jK9mN1pQ" * 4, False, OTHER),
        (
            "QRCode",
            "Gracias_por_su_apoyo_ciudadano_su_folio_llegara_por_correo_pronto",
            False,
            OTHER,
        ),
        ("QRCode", "AAEC", True, INE_DENSE),
        ("QRCode", "Gracias por su apoyo, su folio llegará por correo en unos días.", False, OTHER),
        ("Code128", base64.b64encode(bytes(range(72))).decode(), False, OTHER),
        ("QRCode", "apoyo:receipt:", False, OTHER),
    ],
)
def test_classification(format_name: str, text: str, binary: bool, kind: str) -> None:
    assert classify(format_name, text, binary) == kind


@pytest.mark.parametrize(
    "image",
    [
        np.zeros((0,), np.uint8),
        np.zeros((0, 0, 3), np.uint8),
        np.zeros((1, 1), np.uint8),
        np.zeros((1, 1, 3), np.uint8),
        np.zeros((40, 40, 2), np.uint8),
        np.zeros((4, 40, 40, 3), np.uint8),
        np.full((64, 64), np.nan),
        np.ones((64, 64), bool),
        np.random.default_rng(1).integers(0, 256, (720, 960, 3), dtype=np.uint8),
        np.random.default_rng(2).integers(0, 256, (300, 400, 4), dtype=np.uint8),
    ],
)
def test_what_holds_no_code_gives_an_empty_list(image: NDArray[np.uint8]) -> None:
    assert read_barcodes(image) == []
