"""The CPU-bound part of identity: decode each image and look at it.

Runs in worker processes (`pool.py`), so it takes and returns plain data. Images are
untrusted: the size is read from the header before any pixel is decoded, so a small file
that claims a gigantic picture (a decompression bomb) is refused without being expanded.
"""

import io
import time

import cv2
import numpy as np
from numpy.typing import NDArray
from PIL import Image

from apoyo_common.codes import EvidenceKind
from apoyo_identity.findings import BACK, FRONT, Code, ImageFindings, SupportFindings
from apoyo_identity.vision import evidence, faces, phash
from apoyo_identity.vision.barcodes import read_barcodes
from apoyo_identity.vision.mrz_reader import read_mrz

MAX_PIXELS = 40_000_000
CARD_SIDES = (FRONT, BACK)


def decode_image(data: bytes) -> NDArray[np.uint8] | None:
    try:
        with Image.open(io.BytesIO(data)) as header:
            width, height = header.size
    except Exception:
        return None
    if width * height > MAX_PIXELS or min(width, height) < 1:
        return None
    image = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
    return None if image is None else np.asarray(image, dtype=np.uint8)


def analyse_image(data: bytes, kind: str, look_for_mrz: bool = True) -> ImageFindings:
    started = time.perf_counter()
    image = decode_image(data)
    if image is None:
        return ImageFindings(flags=("UNREADABLE_IMAGE",), unreadable=True)
    card = kind in CARD_SIDES
    # One grey copy for the readers and the hash; only the colour checks need the colours.
    gray = np.asarray(cv2.cvtColor(image, cv2.COLOR_BGR2GRAY), dtype=np.uint8)
    read = card and look_for_mrz
    mrz = read_mrz(gray) if read else None
    # The codes are on the back: a front is read for them only when it may be the back.
    codes = tuple(Code(b.format, b.kind, b.text) for b in read_barcodes(gray)) if read else ()
    seen = evidence.views(image, gray)  # the reduced copies the checks and the hash share
    return ImageFindings(
        mrz=mrz,
        barcodes=codes,
        flags=tuple(_image_flags(seen, kind, mrz is not None)),
        phash=phash.perceptual_hash(seen.work),
        width=image.shape[1],
        height=image.shape[0],
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
