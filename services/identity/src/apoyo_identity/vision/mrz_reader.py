"""Read the MRZ off a photo of the back of the credential."""

import cv2
import numpy as np
from numpy.typing import NDArray

from apoyo_identity.mrz_decode import decode
from apoyo_identity.rules.mrz import MrzRead
from apoyo_identity.vision.align import column_centres
from apoyo_identity.vision.cells import MARGIN, match, rectify, windows
from apoyo_identity.vision.confusable import sharpen
from apoyo_identity.vision.glyphs import PITCH
from apoyo_identity.vision.locate import ROW_CHARS, find_rows, homography

WORKING_SIDE = 1400


def working_gray(image: NDArray[np.uint8]) -> NDArray[np.uint8]:
    gray = image if image.ndim == 2 else cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    side = max(gray.shape)
    if side > WORKING_SIDE:
        scale = WORKING_SIDE / side
        gray = cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    return np.asarray(gray, dtype=np.uint8)


def read_mrz(image: NDArray[np.uint8]) -> MrzRead | None:
    gray = working_gray(image)
    rows = find_rows(gray)
    if rows is None:
        return None
    spans = [np.linalg.norm(r.end - r.start) for r in rows]
    gap = np.linalg.norm((rows[2].start + rows[2].end - rows[0].start - rows[0].end) / 4)
    row_step = PITCH * gap / (np.mean(spans) / (ROW_CHARS - 1))
    for upside_down in (False, True):
        matrix = homography(rows, PITCH, row_step, MARGIN, upside_down)
        flat = rectify(gray, matrix, row_step)
        centres = column_centres(rows, matrix, MARGIN, row_step, upside_down)
        read = decode(sharpen(match(windows(flat, centres))))
        if read is not None:
            return read
    return None
