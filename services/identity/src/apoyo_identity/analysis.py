"""The CPU-bound part of identity: decode each image and look at it.

Runs in worker processes (`pool.py`), so it takes and returns plain data. Images are
untrusted: the size is read from the header before any pixel is decoded, so a small file
that claims a gigantic picture (a decompression bomb) is refused without being expanded.

A phone's 12-megapixel photo is decoded at half size: every check works on a copy of at most
`evidence.SCREEN_SIDE` px, and a full decode costs ten times a 1280 px photo's. The checks
are told the reduction (`evidence.Views.reduction`), so sizes are judged as sent.

A JPEG is decoded by simplejpeg (libjpeg-turbo 3, its fused colour conversion: about 0.3 ms
less a 1280 px side than `cv2.imdecode`); anything else, or a JPEG it refuses, by
`cv2.imdecode`, which gives None when it cannot. Only a card side's checks need its colours,
and only those of a copy of at most `evidence.COLOUR_SIDE` px, so colours are decoded with
libjpeg-turbo's merged chroma upsampling (0.25 ms less a 1280 px side; its grey is that of the
smooth upsampling within a level or so). A selfie or a signature goes straight to grey (the
JPEG's own luma: no chroma decoded, no colour conversion) and, as its checks see only the
working copy, at the libjpeg scale nearest that copy's size (`reduction_for`).
"""

import io
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import cv2
import numpy as np
import simplejpeg
from numpy.typing import NDArray
from PIL import Image

from apoyo_common.codes import EvidenceKind
from apoyo_identity.findings import BACK, FRONT, Code, ImageFindings, SupportFindings
from apoyo_identity.vision import evidence, faces, phash
from apoyo_identity.vision.barcodes import read_barcodes
from apoyo_identity.vision.mrz_reader import WORKING_SIDE, read_mrz

MAX_PIXELS = 40_000_000
CARD_SIDES = (FRONT, BACK)
# Decoded at 1/2 or 1/4 (libjpeg scales while decoding: most of the saving is its inverse
# DCT and colour conversion) when the reduced picture is still at least the largest copy
# the checks use, and its shorter side no shorter than a legible picture's.
_REDUCED = ((4, cv2.IMREAD_REDUCED_COLOR_4), (2, cv2.IMREAD_REDUCED_COLOR_2))
_REDUCED_GREY = {
    8: cv2.IMREAD_REDUCED_GRAYSCALE_8,
    4: cv2.IMREAD_REDUCED_GRAYSCALE_4,
    2: cv2.IMREAD_REDUCED_GRAYSCALE_2,
}
_ORIENTATION = 0x0112  # the EXIF tag
# How cv2.imdecode turns a picture by its EXIF orientation (2-8; 1 and others: as stored).
_TURNS: dict[int, Callable[[NDArray[np.uint8]], NDArray[Any]]] = {
    2: lambda image: cv2.flip(image, 1),
    3: lambda image: cv2.rotate(image, cv2.ROTATE_180),
    4: lambda image: cv2.flip(image, 0),
    5: cv2.transpose,
    6: lambda image: cv2.rotate(image, cv2.ROTATE_90_CLOCKWISE),
    7: lambda image: cv2.rotate(cv2.transpose(image), cv2.ROTATE_180),
    8: lambda image: cv2.rotate(image, cv2.ROTATE_90_COUNTERCLOCKWISE),
}


@dataclass(frozen=True)
class Decoded:
    image: NDArray[np.uint8]  # BGR, or grey if asked; EXIF rotation applied, perhaps reduced
    reduction: int  # the picture as sent is this many times larger along each side
    width: int  # the picture as sent, as it is shown (EXIF rotation applied)
    height: int


def reduction_for(width: int, height: int, card: bool = True) -> int:
    """By how much a picture of this size is reduced when decoded: a card side by 1, 2 or 4
    (its copies keep what its checks read); a selfie or a signature by 1, 2, 4 or 8, the
    most that keeps its long side over half the working copy's (`evidence.WORK_SIDE`): the
    face search reads 320 px, the hash's thumbnails fewer."""
    if not card:
        side = max(width, height)
        return next((f for f in _REDUCED_GREY if -(-side // f) * 2 > evidence.WORK_SIDE), 1)
    for factor, _ in _REDUCED:
        long_enough = max(width, height) >= factor * evidence.SCREEN_SIDE
        if long_enough and min(width, height) >= factor * evidence.MIN_SIDE:
            return factor
    return 1


def decode_picture(data: bytes, card: bool = True) -> Decoded | None:
    """`card`: a card side, in BGR; else (a selfie, a signature, whose checks see the grey
    working copy alone) in grey, reduced further (`reduction_for`)."""
    try:
        with Image.open(io.BytesIO(data)) as header:
            width, height = header.size
            orientation = _exif_orientation(header) if header.format == "JPEG" else None
    except Exception:
        return None
    if width * height > MAX_PIXELS or min(width, height) < 1:
        return None
    factor = reduction_for(width, height, card)
    image = None
    if orientation is not None:
        image = _decode_jpeg(data, (width, height), factor, orientation, card)
    if image is None:
        image = _decode_by_cv2(data, factor, card)
    if image is None:
        return None
    if (image.shape[1] >= image.shape[0]) != (width >= height):
        width, height = height, width  # turned by its EXIF orientation
    # As decoded, not as asked: a decoder that ignored the flag leaves the size checks right.
    reduction = max(1, round(max(width, height) / max(image.shape[:2])))
    return Decoded(image, reduction, width, height)


def _exif_orientation(header: Image.Image) -> int | None:
    """The EXIF orientation as cv2 reads it (never XMP's, which Pillow's getexif adds), or
    None when the EXIF does not parse: then cv2 decodes the picture and reads it itself."""
    exif = Image.Exif()
    try:
        exif.load(header.info.get("exif", b""))
        return int(exif.get(_ORIENTATION, 1))
    except Exception:
        return None


def _decode_jpeg(
    data: bytes, stored: tuple[int, int], factor: int, orientation: int, colour: bool
) -> NDArray[np.uint8] | None:
    """The JPEG by libjpeg-turbo's accurate DCT, scaled by 1/factor, turned by `orientation`
    as `cv2.imdecode` turns it: in BGR with merged chroma upsampling, or its luma alone (what
    `cv2.imdecode` gives with the grey flag for `factor`); None when libjpeg-turbo refuses it
    (a CMYK or damaged JPEG), for cv2 to try. `stored`: width and height as stored, before
    any turn."""
    width, height = stored
    try:
        # The smallest of libjpeg-turbo's scales keeping these sizes is 1/factor.
        image = simplejpeg.decode_jpeg(
            data,
            "BGR" if colour else "GRAY",
            fastupsample=True,
            min_height=-(-height // factor),
            min_width=-(-width // factor),
        )
    except ValueError:
        return None
    if not colour:
        image = image[:, :, 0]
    turn = _TURNS.get(orientation)
    return np.asarray(image if turn is None else turn(image), dtype=np.uint8)


def _decode_by_cv2(data: bytes, factor: int, colour: bool) -> NDArray[np.uint8] | None:
    if colour:
        flag = dict(_REDUCED).get(factor, cv2.IMREAD_COLOR)
    else:
        flag = _REDUCED_GREY.get(factor, cv2.IMREAD_GRAYSCALE)
    image = cv2.imdecode(np.frombuffer(data, np.uint8), flag)
    return None if image is None else np.asarray(image, dtype=np.uint8)


def decode_image(data: bytes) -> NDArray[np.uint8] | None:
    """The picture as the checks see it (a large one reduced)."""
    decoded = decode_picture(data)
    return None if decoded is None else decoded.image


def analyse_image(data: bytes, kind: str, look_for_mrz: bool = True) -> ImageFindings:
    started = time.perf_counter()
    card = kind in CARD_SIDES
    decoded = decode_picture(data, card)
    if decoded is None:
        return ImageFindings(flags=("UNREADABLE_IMAGE",), unreadable=True)
    image = decoded.image
    # One grey copy for the readers and the hash, and the reduced copies the checks and the
    # hash share; only a card side's checks need the colours.
    seen = evidence.views(image, reduction=decoded.reduction, colour=card)
    gray = seen.gray
    read = card and look_for_mrz
    # The MRZ reader reduces a large photo to its WORKING_SIDE as the screen check does (the
    # same resize, made once), and finds the rows on a half-size copy: the working copy when
    # it is one.
    seen_by_mrz = seen.screen if WORKING_SIDE == evidence.SCREEN_SIDE else gray
    mrz = None
    if read and seen.factor == 2:
        # There its rows are searched among the text rows' ink, labelled once for both.
        mrz = read_mrz(seen_by_mrz, seen.work, seen.text_ink)
    elif read:
        mrz = read_mrz(seen_by_mrz)
    # The codes are on the back: a front is read for them only when it may be the back.
    read_codes = read_barcodes(gray, card=True) if read else []
    codes = tuple(Code(b.format, b.kind, b.text) for b in read_codes)
    return ImageFindings(
        mrz=mrz,
        barcodes=codes,
        flags=tuple(_image_flags(seen, kind, mrz is not None)),
        phash=phash.perceptual_hash(seen.work),
        width=decoded.width,
        height=decoded.height,
        ms=(time.perf_counter() - started) * 1000,
    )


def _image_flags(seen: evidence.Views, kind: str, legible: bool) -> list[str]:
    """`legible`: its MRZ was read, which proves the print large and sharp enough."""
    if kind in CARD_SIDES:
        return evidence.flags(seen, legible)
    if kind == EvidenceKind.SELFIE.value and not faces.has_face(seen.work):
        return ["NO_FACE"]
    return []


def analyse_support(images: dict[str, bytes]) -> SupportFindings:
    """Every image of one support; the entry point the worker processes run.

    The front is searched for an MRZ and barcodes only when the back gave no MRZ: that is how
    swapped sides show, and a front carries neither (models E-H print both on the back).
    """
    found: dict[str, ImageFindings] = {}
    for kind in sorted(images, key=lambda k: k != BACK):
        back = found.get(BACK)
        look = kind != FRONT or back is None or back.mrz is None
        found[kind] = analyse_image(images[kind], kind, look_for_mrz=look)
    return SupportFindings(found)
