"""The 37 MRZ symbols as the OCR-B font draws them, and the box every cell is cut to.

The box is the font's advance width by the height that holds every symbol's ink, with the
glyph where the font puts it. Cells cut from a photo with the same box relative to the
character pitch line up with the glyphs the classifier is trained on, `<` included.
"""

import os
from functools import lru_cache
from pathlib import Path

import numpy as np
from numpy.typing import NDArray
from PIL import Image, ImageDraw, ImageFont

from apoyo_identity.rules.mrz import CHARSET

FONT_PATHS = (
    Path("/usr/share/fonts/opentype/ocr-b/OCRB.otf"),  # Debian's package fonts-ocr-b
    Path("/usr/share/fonts/truetype/ocr-b/OCRB.ttf"),
    Path("/usr/local/share/fonts/OCRB.otf"),
)
PITCH = 16  # template width: one character pitch, in canonical pixels
_RENDER_SIZE = 200


class FontMissingError(FileNotFoundError):
    """No OCR-B font: the MRZ can be neither read against it nor drawn faithfully."""


def font_path() -> Path:
    """The OCR-B font file: `APOYO_OCRB_FONT` if set, else the usual places."""
    override = os.environ.get("APOYO_OCRB_FONT")
    for path in ((Path(override),) if override else ()) + FONT_PATHS:
        if path.is_file():
            return path
    raise FontMissingError(
        f"OCR-B font not found in {[str(p) for p in FONT_PATHS]}: install the Debian package "
        "fonts-ocr-b (scripts/bootstrap.sh does as root) or set APOYO_OCRB_FONT"
    )


def _render(char: str, font: ImageFont.FreeTypeFont, width: int) -> NDArray[np.uint8]:
    canvas = Image.new("L", (width, _RENDER_SIZE + 40), 0)
    ImageDraw.Draw(canvas).text((0, 0), char, font=font, fill=255)
    return np.asarray(canvas, dtype=np.uint8)


@lru_cache(maxsize=1)
def geometry() -> tuple[float, int, int]:
    """(advance width, ink top, ink bottom) at the render size, over all symbols."""
    font = ImageFont.truetype(str(font_path()), _RENDER_SIZE)
    advance = font.getlength("0")
    rows = np.concatenate(
        [np.nonzero(_render(c, font, int(advance) + 2).any(axis=1))[0] for c in CHARSET if c != "<"]
    )
    return advance, int(rows.min()), int(rows.max()) + 1


def box_height() -> int:
    """Template height in canonical pixels: the ink band for one pitch of PITCH pixels."""
    advance, top, bottom = geometry()
    return round(PITCH * (bottom - top) / advance)


@lru_cache(maxsize=1)
def rendered() -> NDArray[np.uint8]:
    """(37, box, advance) glyphs at the render size, in CHARSET order."""
    font = ImageFont.truetype(str(font_path()), _RENDER_SIZE)
    advance, top, bottom = geometry()
    return np.stack([_render(c, font, round(advance))[top:bottom] for c in CHARSET])


@lru_cache(maxsize=1)
def _ink_rows() -> NDArray[np.float64]:
    """(37,) the row of each symbol's ink centre in its rendered box."""
    glyphs = rendered().astype(np.float64)
    rows = np.arange(glyphs.shape[1])[None, :, None]
    return np.asarray((glyphs * rows).sum(axis=(1, 2)) / glyphs.sum(axis=(1, 2)), np.float64)


def ink_centres() -> NDArray[np.float64]:
    """(37,) where, from the top of the box, each symbol's ink centre lies (0-1): a digit's
    sits higher than a letter's (0.476 against 0.526 on average)."""
    return np.asarray(_ink_rows() / rendered().shape[1], np.float64)


@lru_cache(maxsize=1)
def centre_fraction() -> float:
    """Where, from the top of the box, the ink centre of letters and digits lies (0-1)."""
    return float(_ink_rows()[: CHARSET.index("<")].mean() / rendered().shape[1])
