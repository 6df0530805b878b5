"""The back of the credential: MRZ band at the bottom, barcodes, fingerprint and fine print.

Models G and H carry two dense QR codes (INE encrypts their content; here random bytes in
base64 stand in) and a small QR code with a web address; E and F carry a PDF417-looking
barcode instead, drawn to look right but not decodable (its content was encrypted too).
"""

import base64
import random

import numpy as np
import segno
from PIL import Image, ImageDraw

from apoyo.synthetic.card_style import (
    HEIGHT,
    INK,
    LABEL,
    WIDTH,
    CardSpec,
    blank_card,
    card_rng,
    mm,
    ocrb_font,
    scribble,
    ui_font,
)
from apoyo.synthetic.mrz import mrz_lines
from apoyo.synthetic.people import Citizen

MRZ_TOP = HEIGHT - mm(17.9)  # ICAO TD1: the MRZ occupies the bottom 17.9 mm
# Centre lines of the three MRZ rows, in mm above the bottom edge (6 lines per inch).
_MRZ_CENTRES_MM = (12.9, 8.67, 4.44)
_QR_QUIET = 3  # modules of white around each QR code, printed on a white patch
_FINE_PRINT = (
    "ESTE DOCUMENTO ES INTRANSFERIBLE. NO ES VALIDO SI PRESENTA",
    "TACHADURAS O ENMENDADURAS. EL TITULAR ESTA OBLIGADO A",
    "NOTIFICAR EL CAMBIO DE DOMICILIO EN LOS 30 DIAS SIGUIENTES",
    "A QUE ESTE OCURRA.  DOCUMENTO SINTETICO DE PRUEBA",
)


def _qr(text: str, module: int, rng: random.Random) -> Image.Image:
    # A fixed random mask skips segno's mask scoring, which dominates its run time.
    code = segno.make_qr(text, error="m", boost_error=False, mask=rng.randrange(8))
    dark = np.pad(np.array([list(row) for row in code.matrix], bool), _QR_QUIET)
    pixels = np.where(dark, 0, 255).astype(np.uint8)
    return Image.fromarray(pixels.repeat(module, 0).repeat(module, 1), "L")


def _pdf417_row(rng: random.Random, columns: int) -> list[int]:
    """Bar/space widths of one row: start pattern, codewords of 17 modules, stop pattern."""
    widths = [8, 1, 1, 1, 1, 1, 1, 3]
    for _ in range(columns + 2):  # data columns plus left and right row indicators
        word = [1] * 8
        for _ in range(9):
            word[rng.choice([i for i in range(8) if word[i] < 6])] += 1
        widths += word
    return [*widths, 7, 1, 1, 3, 1, 1, 1, 2, 1]


def _pdf417_like(rng: random.Random, columns: int = 6, rows: int = 16) -> Image.Image:
    module, row_height = 3, 9
    lines = []
    for _ in range(rows):
        bars = [
            i % 2 == 0 for i, width in enumerate(_pdf417_row(rng, columns)) for _ in range(width)
        ]
        lines.append(np.where(np.array(bars), 0, 255).astype(np.uint8))
    pixels = np.stack(lines).repeat(row_height, 0).repeat(module, 1)
    return Image.fromarray(np.pad(pixels, 6, constant_values=255), "L")


def _fingerprint(rng: random.Random, size: tuple[int, int] = (150, 190)) -> Image.Image:
    width, height = size
    y, x = np.mgrid[0:height, 0:width].astype(np.float32)
    nx = (x - width * rng.uniform(0.4, 0.6)) / width
    ny = (y - height * rng.uniform(0.45, 0.6)) / height
    radius = np.hypot(nx, ny * 0.8)
    # A smooth random field bends the whorl so the ridges look less like a target.
    field = np.array(rng.choices(range(-40, 41), k=25), np.float32).reshape(5, 5) / 10
    warp = np.asarray(Image.fromarray(field, "F").resize(size, Image.Resampling.BICUBIC))
    phase = radius * rng.uniform(70, 90) + 2.5 * np.sin(np.arctan2(ny, nx) + radius * 9) + warp
    ridges = 0.5 + 0.5 * np.sin(phase)
    inside = np.hypot(nx / 0.45, ny / 0.47) < 1
    gray = np.where(inside, 250 - ridges * 150, 255)
    return Image.fromarray(gray.astype(np.uint8), "L")


def _draw_mrz(image: Image.Image, lines: tuple[str, str, str]) -> None:
    band = image.crop((0, MRZ_TOP, WIDTH, HEIGHT))
    # The MRZ sits on a washed-out strip of the background so its OCR contrast is high.
    image.paste(Image.blend(band, Image.new("RGB", band.size, (250, 250, 248)), 0.7), (0, MRZ_TOP))
    draw = ImageDraw.Draw(image)
    font = ocrb_font()
    left = (WIDTH - font.getlength("<" * 30)) / 2
    cap_half = font.getbbox("I", anchor="ls")[1] / -2
    for line, centre in zip(lines, _MRZ_CENTRES_MM, strict=True):
        draw.text((left, HEIGHT - mm(centre) + cap_half), line, font=font, fill=INK, anchor="ls")


def _fine_print(draw: ImageDraw.ImageDraw, x: int, y: int) -> None:
    draw.text((x, y), "INSTITUTO NACIONAL ELECTORAL", fill=LABEL, font=ui_font(17, bold=True))
    for i, text in enumerate(_FINE_PRINT):
        draw.text((x, y + 26 + 17 * i), text, fill=INK, font=ui_font(12))


def _secretary(draw: ImageDraw.ImageDraw, x: int, y: int, rng: random.Random) -> None:
    scribble(draw, (x + 10, y, x + 190, y + 45), rng.randrange(1 << 30))
    draw.text((x, y + 52), "SECRETARIO EJECUTIVO", fill=LABEL, font=ui_font(13, bold=True))


def _qr_codes(image: Image.Image, rng: random.Random) -> tuple[str, ...]:
    dense_a = base64.b64encode(rng.randbytes(rng.randrange(120, 140))).decode()
    dense_b = base64.b64encode(rng.randbytes(rng.randrange(70, 90))).decode()
    token = base64.b32encode(rng.randbytes(10)).decode().lower()
    url = f"https://listanominal.ine.mx/scpln/v/{token}"
    image.paste(_qr(dense_a, 4, rng), (26, 26))
    image.paste(_qr(dense_b, 4, rng), (282, 26))
    image.paste(_qr(url, 3, rng), (496, 26))
    return dense_a, dense_b, url


def render_back(person: Citizen, spec: CardSpec) -> tuple[Image.Image, tuple[str, ...]]:
    """The back of `person`'s card of `spec`, and the text of every QR code on it."""
    rng = card_rng(person, spec, "back")
    image, draw = blank_card(spec.model)
    if spec.model in ("G", "H"):
        texts = _qr_codes(image, rng)
        _fine_print(draw, 40, 282)
        _secretary(draw, 560, 320, rng)
    else:
        texts = ()
        image.paste(_pdf417_like(rng), (26, 30))
        _fine_print(draw, 40, 220)
        _secretary(draw, 560, 320, rng)
    image.paste(_fingerprint(rng), (830, 40))
    draw.rectangle((828, 38, 982, 232), outline=LABEL, width=2)
    draw.text((830, 238), "INDICE DERECHO", fill=LABEL, font=ui_font(13, bold=True))
    draw.text((940, 400), spec.model, fill=LABEL, font=ui_font(18, bold=True))
    _draw_mrz(image, mrz_lines(person, spec.expiry_year))
    return image, texts
