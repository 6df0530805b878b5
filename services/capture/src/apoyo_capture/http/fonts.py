"""The font of the printed documents (certificate, cédulas): DejaVu Sans, which has the
accents of Spanish (Debian's fonts-dejavu-core, installed by bootstrap). Pillow's own default
font lacks them and is only the fallback."""

import functools

from PIL import ImageDraw, ImageFont

FONT = "DejaVuSans.ttf"  # found in the system's font folders
Font = ImageFont.FreeTypeFont | ImageFont.ImageFont


@functools.cache
def font(size: int) -> Font:
    try:
        return ImageFont.truetype(FONT, size)
    except OSError:
        return ImageFont.load_default(size=size)


def wrap(draw: ImageDraw.ImageDraw, text: str, face: Font, width: float) -> list[str]:
    """`text` in lines no wider than `width` pixels (a word wider than that stands alone)."""
    lines: list[str] = []
    line = ""
    for word in text.split():
        candidate = f"{line} {word}".strip()
        if line and draw.textlength(candidate, font=face) > width:
            lines.append(line)
            line = word
        else:
            line = candidate
    return [*lines, line] if line else lines
