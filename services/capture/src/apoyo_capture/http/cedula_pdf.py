"""Printable paper cédulas: one letter page per sheet, with the sheet's QR code (process,
aspirant, sheet number), the statement of support, and rows where each citizen writes their
name, clave de elector and sección and signs. Drawn with Pillow, as the certificate is."""

import io
from dataclasses import dataclass

import segno
from PIL import Image, ImageDraw

from apoyo_capture.cedulas import Sheet
from apoyo_capture.http.fonts import font as _font
from apoyo_capture.http.fonts import wrap

WIDTH, HEIGHT, MARGIN = 1275, 1650, 75  # letter size at 150 dpi
ROWS = 6  # citizens per sheet: room enough to write and sign by hand
ROWS_TOP, FOOTER = 560, 120
BOX = 30  # one character box of the clave de elector and the sección


@dataclass(frozen=True)
class SheetHeader:
    process_name: str
    aspirant_name: str
    consent: str  # the exact consent text, as the web form shows it


def _qr(text: str) -> Image.Image:
    png = io.BytesIO()
    segno.make(text, error="m").save(png, kind="png", scale=6, border=4)
    with Image.open(io.BytesIO(png.getvalue())) as code:
        return code.convert("L")


def _boxes(draw: ImageDraw.ImageDraw, x: int, y: int, count: int) -> int:
    for i in range(count):
        draw.rectangle((x + i * BOX, y, x + (i + 1) * BOX, y + BOX + 6), outline=0, width=2)
    return x + count * BOX


def _row(draw: ImageDraw.ImageDraw, number: int, top: int, height: int) -> None:
    label, small = _font(22), _font(18)
    draw.rectangle((MARGIN, top, WIDTH - MARGIN, top + height), outline=0, width=2)
    draw.text((MARGIN + 12, top + 12), f"{number}.", fill=0, font=label)
    x = MARGIN + 60
    draw.text((x, top + 14), "Nombre(s) y apellidos", fill=0, font=small)
    draw.line((x + 210, top + 38, WIDTH - MARGIN - 20, top + 38), fill=0, width=2)
    draw.text((x, top + 70), "Clave de elector", fill=0, font=small)
    end = _boxes(draw, x + 160, top + 60, 18)
    draw.text((end + 20, top + 70), "Sección", fill=0, font=small)
    _boxes(draw, end + 100, top + 60, 4)
    draw.text((x, top + height - 36), "Firma o huella", fill=0, font=small)
    draw.line((x + 150, top + height - 14, WIDTH - MARGIN - 20, top + height - 14), fill=0, width=2)


def render_page(header: SheetHeader, sheet: Sheet) -> Image.Image:
    page = Image.new("L", (WIDTH, HEIGHT), 255)
    draw = ImageDraw.Draw(page)
    code = _qr(sheet.text)
    page.paste(code, (WIDTH - MARGIN - code.width + 20, MARGIN - 20))
    width = WIDTH - 2 * MARGIN - code.width
    draw.text((MARGIN, MARGIN), "Cédula de respaldo", fill=0, font=_font(36))
    subtitle = "Apoyo ciudadano · régimen de excepción"
    draw.text((MARGIN, MARGIN + 48), subtitle, fill=0, font=_font(24))
    lines = [
        f"Hoja {sheet.number}",
        *wrap(draw, f"Proceso: {header.process_name}", _font(22), width),
        *wrap(draw, f"Aspirante: {header.aspirant_name}", _font(22), width),
    ]
    y = MARGIN + 100
    for line in lines:
        draw.text((MARGIN, y), line, fill=0, font=_font(22))
        y += 30
    y = max(y, MARGIN + code.height - 10) + 10
    draw.text((MARGIN, y), "Quienes firman esta hoja declaran:", fill=0, font=_font(20))
    for line in wrap(draw, header.consent, _font(18), WIDTH - 2 * MARGIN):
        y += 26
        draw.text((MARGIN, y), line, fill=0, font=_font(18))
    top = max(ROWS_TOP, y + 40)
    height = (HEIGHT - FOOTER - top) // ROWS - 10
    for row in range(ROWS):
        _row(draw, row + 1, top + row * (height + 10), height)
    notes = (
        "Anexe copia legible de ambos lados de la credencial para votar de cada persona. "
        "Escanee la hoja completa con el código QR visible."
    )
    y = HEIGHT - FOOTER + 20
    for line in wrap(draw, notes, _font(18), WIDTH - 2 * MARGIN):
        draw.text((MARGIN, y), line, fill=0, font=_font(18))
        y += 24
    draw.text((MARGIN, HEIGHT - 50), sheet.text, fill=0, font=_font(16))
    return page


def render_pdf(header: SheetHeader, sheets: list[Sheet]) -> bytes:
    pages = [render_page(header, sheet).convert("1") for sheet in sheets]  # CCITT: small
    out = io.BytesIO()
    pages[0].save(out, format="PDF", resolution=150.0, save_all=True, append_images=pages[1:])
    return out.getvalue()
