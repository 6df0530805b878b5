"""A printable rendering of a certificate: its fields as text and a QR code with the support
id and the signature. The JSON stays the document of record; the PDF is for people."""

import io
import json
from typing import Any

import segno
from PIL import Image, ImageDraw

from apoyo_capture.http.fonts import font

WIDTH, HEIGHT, MARGIN = 1275, 1650, 80  # letter size at 150 dpi


def _lines(value: Any, prefix: str = "") -> list[str]:
    if isinstance(value, dict):
        return [line for k in sorted(value) for line in _lines(value[k], f"{prefix}{k}.")]
    if isinstance(value, list):
        return [line for i, v in enumerate(value) for line in _lines(v, f"{prefix}{i}.")]
    return [f"{prefix.rstrip('.')}: {value}"]


def render_pdf(document: bytes) -> bytes:
    parsed = json.loads(document)
    body, signature = parsed["certificate"], parsed["signature"]
    page = Image.new("RGB", (WIDTH, HEIGHT), "white")
    draw = ImageDraw.Draw(page)
    title, text = font(34), font(20)
    draw.text((MARGIN, MARGIN), "Constancia de apoyo ciudadano", fill="black", font=title)
    y = MARGIN + 70
    for line in [*_lines(body), f"firma.key_id: {signature['key_id']}"]:
        for start in range(0, len(line), 95):
            draw.text((MARGIN, y), line[start : start + 95], fill="black", font=text)
            y += 28
    qr = segno.make(f"{body['support_id']}|{signature['value']}", error="m")
    image = io.BytesIO()
    qr.save(image, kind="png", scale=5, border=2)
    with Image.open(io.BytesIO(image.getvalue())) as code:
        page.paste(
            code.convert("RGB"), (WIDTH - MARGIN - code.width, HEIGHT - MARGIN - code.height)
        )
    out = io.BytesIO()
    page.save(out, format="PDF", resolution=150.0)
    return out.getvalue()
