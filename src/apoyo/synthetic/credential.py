"""Synthetic credential images: a front with the printed data and a back with a valid TD1 MRZ.

They stand in for phone photos until the identity issue brings realistic ones; every image is
drawn here from generated data.
"""

import io
import random

from PIL import Image, ImageDraw, ImageFilter

from apoyo.synthetic.people import Citizen

_MRZ_VALUES = {c: i for i, c in enumerate("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ")} | {"<": 0}


def mrz_check_digit(text: str) -> str:
    weights = (7, 3, 1)
    return str(sum(_MRZ_VALUES[c] * weights[i % 3] for i, c in enumerate(text)) % 10)


def mrz_lines(person: Citizen, expiry_year: int = 2033) -> tuple[str, str, str]:
    line1 = f"IDMEX{person.cic}{mrz_check_digit(person.cic)}<<{person.ocr}"
    line1 = line1.ljust(30, "<")[:30]
    born = f"{person.fecha_nacimiento:%y%m%d}"
    expiry = f"{expiry_year % 100:02d}1231"
    body = f"{born}{mrz_check_digit(born)}{person.sexo}{expiry}{mrz_check_digit(expiry)}MEX"
    body = (body + person.emision).ljust(29, "<")
    composite = line1[5:30] + body[0:7] + body[8:15] + body[18:29]
    line2 = body + mrz_check_digit(composite)
    surnames = f"{person.apellido_paterno}<{person.apellido_materno}".replace(" ", "<")
    line3 = f"{surnames}<<{person.nombre.replace(' ', '<')}".replace("Ñ", "N").ljust(30, "<")[:30]
    return line1, line2, line3


def _card(seed: int) -> tuple[Image.Image, ImageDraw.ImageDraw]:
    rng = random.Random(seed)  # noqa: S311 - synthetic pictures
    tint = (220 + rng.randrange(30), 200 + rng.randrange(40), 215 + rng.randrange(30))
    image = Image.new("RGB", (856, 540), tint)
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle((8, 8, 848, 532), radius=28, outline=(120, 40, 90), width=4)
    return image, draw


def _jpeg(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.filter(ImageFilter.SMOOTH).save(buffer, "JPEG", quality=82)
    return buffer.getvalue()


def front(person: Citizen) -> bytes:
    image, draw = _card(int(person.cic))
    draw.text((40, 30), "INSTITUTO NACIONAL ELECTORAL  (SINTETICA)", fill=(90, 20, 70))
    draw.rectangle((40, 90, 240, 330), fill=(180, 170, 175))
    rows = [
        ("NOMBRE", f"{person.apellido_paterno} {person.apellido_materno} {person.nombre}"),
        ("CLAVE DE ELECTOR", person.clave_elector),
        ("CURP", person.curp),
        ("SECCION", person.seccion),
        ("EMISION", person.emision),
    ]
    for i, (label, value) in enumerate(rows):
        draw.text((280, 100 + 60 * i), label, fill=(90, 20, 70))
        draw.text((280, 120 + 60 * i), value, fill=(0, 0, 0))
    return _jpeg(image)


def back(person: Citizen) -> bytes:
    image, draw = _card(int(person.identificador))
    draw.rectangle((40, 40, 160, 160), fill=(30, 30, 30))
    for i, line in enumerate(mrz_lines(person)):
        draw.text((60, 400 + 36 * i), line, fill=(0, 0, 0))
    return _jpeg(image)


def signature(person: Citizen) -> bytes:
    rng = random.Random(int(person.cic) ^ 0x5A5A)  # noqa: S311 - synthetic pictures
    image = Image.new("L", (400, 160), 255)
    draw = ImageDraw.Draw(image)
    points = [(20 + 36 * i, 80 + rng.randrange(-50, 50)) for i in range(11)]
    draw.line(points, fill=0, width=3, joint="curve")
    buffer = io.BytesIO()
    image.save(buffer, "PNG", optimize=True)
    return buffer.getvalue()
