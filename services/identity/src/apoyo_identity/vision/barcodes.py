"""Read every QR and 1D code on a photo, and tell INE's codes from this project's own.

zxing-cpp reads; pyzbar is not used (docs/barcodes.md has the measurements that decided it).
Three passes on the grey image keep the time within 1.5 times that of one plain zxing-cpp pass
restricted to QR codes, and decode at least as many QR codes:

1. QR codes with zxing-cpp's local-average binariser (its default; downscaled copies too, for
   big blurry codes);
2. QR codes with a fixed threshold, which reads more of the blurred, noisy small codes;
3. 1D codes along about 200 rows and 200 columns, so vertical codes read too (asked for several
   codes, zxing-cpp scans every row of a photo, and every second column when rotating).

On a card photo (`card=True`), the passes stop once the codes of a card back are read: the
later ones are there for what the earlier ones miss.

A 1D code reads when one row or column crosses all of its bars: a long, low code photographed
askew by more than about atan(height / width) does not. Light-on-dark codes are not looked for.
"""

import base64
import math
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Final
from urllib.parse import urlsplit

import cv2
import numpy as np
import zxingcpp
from numpy.typing import NDArray

# What a code is, for the identity checks. The card's codes belong to INE: their presence is
# evidence, their content is not interpreted. APOYO codes are this project's receipts and paper
# form sheets.
INE_URL: Final = "INE_URL"
INE_DENSE: Final = "INE_DENSE"
APOYO: Final = "APOYO"
OTHER: Final = "OTHER"
# The codes on the back of models G and H: two dense codes of INE's data and a URL code.
CARD_CODES: Final = {INE_DENSE: 2, INE_URL: 1}

INE_HOSTS: Final = ("ine.mx",)  # and their subdomains, e.g. listanominal.ine.mx
APOYO_PREFIX: Final = "apoyo:"
RECEIPT_PREFIX: Final = "apoyo:receipt:"  # apoyo:receipt:<support_id>
SHEET_PREFIX: Final = "apoyo:sheet:"  # apoyo:sheet:<process_id>:<aspirant_id>:<sheet_number>

MAX_SIDE = 2048  # larger photos are reduced first: codes there have modules of several pixels
MIN_SIDE = 16
LINES_1D = 200  # rows (and columns) scanned for 1D codes
DENSE_CHARS = 300  # a text this long in a QR code is INE's data, not a URL or an id
OPAQUE_CHARS = 64  # shorter than DENSE_CHARS, but a hex or random-looking base64 token
OPAQUE_BITS = 4.5  # Shannon entropy per character: words stay under it, random base64 goes over
_TOKEN: Final = re.compile(r"[A-Za-z0-9+/=_-]+")
_HEX: Final = re.compile(r"[0-9A-Fa-f]+")

_QR: Final = zxingcpp.BarcodeFormats(
    [
        zxingcpp.BarcodeFormat.QRCode,
        zxingcpp.BarcodeFormat.MicroQRCode,
        zxingcpp.BarcodeFormat.RMQRCode,
    ]
)
_LINEAR: Final = zxingcpp.BarcodeFormats(
    [
        zxingcpp.BarcodeFormat.Code128,
        zxingcpp.BarcodeFormat.Code39,
        zxingcpp.BarcodeFormat.Code93,
        zxingcpp.BarcodeFormat.EANUPC,
        zxingcpp.BarcodeFormat.ITF,
        zxingcpp.BarcodeFormat.Codabar,
    ]
)


@dataclass(frozen=True)
class Barcode:
    """`format` as zxing-cpp names it (QRCode, Code128, EAN13, …); `text` the decoded text, or
    for a binary payload (INE's encrypted codes) the standard base64 of its bytes; `kind` one
    of INE_URL, INE_DENSE, APOYO, OTHER."""

    format: str
    text: str
    kind: str

    def as_json(self) -> dict[str, str]:
        return {"format": self.format, "text": self.text}


@dataclass(frozen=True)
class ReceiptCode:
    support_id: str


@dataclass(frozen=True)
class SheetCode:
    process_id: str
    aspirant_id: str
    sheet_number: int


def _field(value: str) -> str:
    if not value or ":" in value or value != value.strip():
        raise ValueError(f"not usable in an apoyo code: {value!r}")
    return value


def receipt_text(support_id: str) -> str:
    return RECEIPT_PREFIX + _field(support_id)


def sheet_text(process_id: str, aspirant_id: str, sheet_number: int) -> str:
    if sheet_number < 1:
        raise ValueError(f"sheet numbers start at 1: {sheet_number}")
    return f"{SHEET_PREFIX}{_field(process_id)}:{_field(aspirant_id)}:{sheet_number}"


def parse_apoyo(text: str) -> ReceiptCode | SheetCode | None:
    """The fields of one of this project's codes, or None if `text` is not a valid one."""
    try:
        if text.startswith(RECEIPT_PREFIX):
            return ReceiptCode(_field(text.removeprefix(RECEIPT_PREFIX)))
        if text.startswith(SHEET_PREFIX):
            process, aspirant, number = text.removeprefix(SHEET_PREFIX).split(":")
            if number.isascii() and number.isdigit() and int(number) >= 1:
                return SheetCode(_field(process), _field(aspirant), int(number))
    except ValueError:
        pass
    return None


def _is_ine_url(text: str) -> bool:
    try:
        url = urlsplit(text.strip())
        host = (url.hostname or "").lower()
    except ValueError:
        return False
    return url.scheme in ("http", "https") and any(
        host == known or host.endswith("." + known) for known in INE_HOSTS
    )


def _opaque(text: str) -> bool:
    """A long token of base64 or hex characters that looks random: encrypted or hashed data."""
    if len(text) < OPAQUE_CHARS or not _TOKEN.fullmatch(text):
        return False
    if _HEX.fullmatch(text):
        return True
    counts = Counter(text).values()
    bits = -sum(n / len(text) * math.log2(n / len(text)) for n in counts)
    return bits >= OPAQUE_BITS


def classify(format_name: str, text: str, binary: bool = False) -> str:
    if text.startswith(APOYO_PREFIX) and parse_apoyo(text) is not None:
        return APOYO
    if _is_ine_url(text):
        return INE_URL
    if format_name == "QRCode" and (binary or len(text) >= DENSE_CHARS or _opaque(text)):
        return INE_DENSE
    return OTHER


def _pixels(image: NDArray[np.generic]) -> NDArray[np.uint8] | None:
    """`image` as 8-bit grey or colour channels, or None for what cannot be a photo."""
    if image.ndim == 3 and image.shape[2] == 1:
        image = image[:, :, 0]
    if not (image.ndim == 2 or (image.ndim == 3 and image.shape[2] in (3, 4))):
        return None
    if min(image.shape[:2]) < MIN_SIDE:
        return None
    if image.dtype == np.uint8:
        return np.ascontiguousarray(image, dtype=np.uint8)
    if not (np.issubdtype(image.dtype, np.number) or image.dtype == np.bool_):
        return None
    return np.clip(np.nan_to_num(image.astype(np.float64)), 0, 255).astype(np.uint8)


def _gray(image: NDArray[np.generic]) -> NDArray[np.uint8] | None:
    pixels = _pixels(image)
    if pixels is None:
        return None
    if pixels.ndim == 3:
        code = cv2.COLOR_BGR2GRAY if pixels.shape[2] == 3 else cv2.COLOR_BGRA2GRAY
        pixels = np.asarray(cv2.cvtColor(pixels, code), np.uint8)
    side = max(pixels.shape)
    if side > MAX_SIDE:
        scale = MAX_SIDE / side
        small = cv2.resize(pixels, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
        pixels = np.asarray(small, np.uint8)
    return np.ascontiguousarray(pixels)


@dataclass(frozen=True)
class _Found:
    format: str
    text: str
    kind: str  # classified once, as read: the card test asks after every pass
    top: float  # of the code in the grey image, for a reading order
    left: float


def _found(
    codes: Iterable[zxingcpp.Barcode], step: int = 1, transposed: bool = False
) -> list[_Found]:
    out = []
    for code in codes:
        p = code.position
        corners = [
            (c.x, c.y * step) for c in (p.top_left, p.top_right, p.bottom_left, p.bottom_right)
        ]
        xs, ys = zip(*corners, strict=True)
        left, top = (min(ys), min(xs)) if transposed else (min(xs), min(ys))
        binary = code.content_type == zxingcpp.ContentType.Binary
        text = base64.b64encode(code.bytes).decode() if binary else code.text
        kind = classify(code.format.name, text, binary)
        out.append(_Found(code.format.name, text, kind, top, left))
    return out


def _qr_local(gray: NDArray[np.uint8]) -> list[_Found]:
    return _found(zxingcpp.read_barcodes(gray, formats=_QR, try_invert=False))


def _qr_full_scale(gray: NDArray[np.uint8]) -> list[_Found]:
    """Pass 1 without its downscaled copies, which are there for big blurry codes."""
    return _found(zxingcpp.read_barcodes(gray, formats=_QR, try_invert=False, try_downscale=False))


def _qr_fixed(gray: NDArray[np.uint8]) -> list[_Found]:
    fixed = zxingcpp.read_barcodes(
        gray,
        formats=_QR,
        binarizer=zxingcpp.Binarizer.FixedThreshold,
        try_invert=False,
        try_downscale=False,
    )
    return _found(fixed)


def _linear_rows(gray: NDArray[np.uint8]) -> list[_Found]:
    return _linear(gray, transposed=False)


def _linear_columns(gray: NDArray[np.uint8]) -> list[_Found]:
    return _linear(gray, transposed=True)


def _linear(gray: NDArray[np.uint8], transposed: bool) -> list[_Found]:
    """Rows, or columns (as the rows of a transposed copy), about LINES_1D of them."""
    lines = gray.shape[1] if transposed else gray.shape[0]
    step = max(1, round(lines / LINES_1D))
    if transposed:
        sample = cv2.transpose(np.ascontiguousarray(gray[:, ::step]))
    else:
        sample = np.ascontiguousarray(gray[::step])
    codes = zxingcpp.read_barcodes(
        np.asarray(sample, np.uint8),
        formats=_LINEAR,
        binarizer=zxingcpp.Binarizer.FixedThreshold,
        try_rotate=False,
        try_invert=False,
        try_downscale=False,
    )
    return _found(codes, step, transposed)


# In this order: each later pass looks for what the earlier ones miss.
_PASSES: Final = (_qr_local, _qr_fixed, _linear_rows, _linear_columns)


def _card_read(found: list[_Found]) -> bool:
    """The codes INE prints on a card back (models G and H) are all read."""
    kinds = Counter(f.kind for f in found)
    return all(kinds[kind] >= count for kind, count in CARD_CODES.items())


def read_barcodes(image: NDArray[np.uint8], card: bool = False) -> list[Barcode]:
    """Every QR and 1D code on `image` (grey or BGR), top to bottom; [] when there is none.

    `card`: a photo of a card side. Once a pass has read the codes of a back (CARD_CODES),
    the later passes, there for what the earlier ones miss, are skipped: a card photo holds
    no other code worth their time (about 1.6 ms of a 1280 x 960 back's 3.6)."""
    gray = _gray(image)
    if gray is None:
        return []
    found = _card_at_full_scale(gray) if card else []
    if not found:
        found = _passes(gray, card)
    found.sort(key=lambda f: (f.top, f.left))
    return [Barcode(f.format, f.text, f.kind) for f in found]


def _card_at_full_scale(gray: NDArray[np.uint8]) -> list[_Found]:
    """A card back's codes read at full scale alone, or [] if they are not all read there.
    A card's codes have modules of a few pixels: pass 1's downscaled copies find no more of
    them (0.6 of a 1280 x 960 back's 2 ms; a back whose codes are not all read, or a front,
    pays the full-scale read again, 1.3 ms, before the passes as before)."""
    found = _qr_full_scale(gray)
    return found if _card_read(found) else []


def _passes(gray: NDArray[np.uint8], card: bool) -> list[_Found]:
    found: list[_Found] = []
    for read in _PASSES:
        # A later pass adds only codes the earlier ones missed; one pass may hold twins.
        seen = {(f.format, f.text) for f in found}
        found += [f for f in read(gray) if (f.format, f.text) not in seen]
        if card and _card_read(found):
            break
    return found
