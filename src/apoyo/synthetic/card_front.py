"""The front of the credential: header, photo, printed fields, signature and ghost photo."""

import random

from PIL import Image, ImageDraw

from apoyo.synthetic.card_style import (
    INK,
    LABEL,
    CardSpec,
    blank_card,
    card_rng,
    draw_label,
    scribble,
    ui_font,
)
from apoyo.synthetic.people import Citizen

_STREETS = ("REFORMA", "JUAREZ", "HIDALGO", "ROSALES", "MORELOS", "GUERRERO", "OBREGON")
_COLONIAS = ("CENTRO", "PITIC", "MODELO", "SAN BENITO", "LAS QUINTAS", "BALDERRAMA")
_SKIN = ((224, 186, 150), (198, 150, 110), (170, 120, 84), (236, 200, 170))
_HAIR = ((30, 24, 20), (70, 50, 30), (110, 90, 70), (150, 150, 150))


def _portrait(rng: random.Random, size: tuple[int, int]) -> Image.Image:
    """A face-like drawing: grey backdrop, shoulders, neck, head, hair, eyes and mouth."""
    width, height = size
    image = Image.new("RGB", size, (214, 218, 224))
    draw = ImageDraw.Draw(image)
    skin, hair = rng.choice(_SKIN), rng.choice(_HAIR)
    cx, head_w, head_h = width // 2 + rng.randrange(-8, 9), width * 0.52, height * 0.5
    top = height * 0.14
    shirt = tuple(rng.randrange(20, 120) for _ in range(3))
    draw.ellipse((cx - width * 0.62, height * 0.74, cx + width * 0.62, height * 1.4), fill=shirt)
    draw.rectangle(
        (cx - head_w * 0.2, top + head_h * 0.8, cx + head_w * 0.2, height * 0.8), fill=skin
    )
    draw.ellipse(
        (cx - head_w / 2 - 6, top - 14, cx + head_w / 2 + 6, top + head_h * 0.6), fill=hair
    )
    draw.ellipse((cx - head_w / 2, top, cx + head_w / 2, top + head_h), fill=skin)
    eye_y, mouth_y = top + head_h * 0.45, top + head_h * 0.75
    for side in (-1, 1):
        ex = cx + side * head_w * 0.2
        draw.ellipse((ex - 9, eye_y - 5, ex + 9, eye_y + 5), fill=(250, 250, 250))
        draw.ellipse((ex - 4, eye_y - 4, ex + 4, eye_y + 4), fill=(40, 30, 25))
    draw.line(
        (cx, eye_y + 8, cx - 5, mouth_y - 16, cx + 4, mouth_y - 14), fill=(140, 100, 80), width=2
    )
    draw.arc((cx - 22, mouth_y - 10, cx + 22, mouth_y + 8), 20, 160, fill=(150, 70, 70), width=3)
    return image


def _address(person: Citizen, rng: random.Random) -> tuple[str, str, str]:
    street = f"C {rng.choice(_STREETS)} {rng.randrange(1, 2400)}"
    colonia = f"COL {rng.choice(_COLONIAS)} {rng.randrange(83000, 85999)}"
    return street, colonia, f"MUNICIPIO {person.municipio}, SON."


def _header(draw: ImageDraw.ImageDraw, spec: CardSpec) -> None:
    draw.text((36, 16), "MÉXICO", fill=LABEL, font=ui_font(16, bold=True))
    draw.text((36, 36), "INSTITUTO NACIONAL ELECTORAL", fill=INK, font=ui_font(26, bold=True))
    draw.text((36, 70), "CREDENCIAL PARA VOTAR", fill=LABEL, font=ui_font(20, bold=True))
    if spec.model == "F":
        draw.text((620, 74), "DESDE EL EXTRANJERO", fill=LABEL, font=ui_font(16, bold=True))


def _fields(draw: ImageDraw.ImageDraw, person: Citizen, spec: CardSpec, rng: random.Random) -> None:
    x = 330
    draw.text((x, 110), "NOMBRE", fill=LABEL, font=ui_font(15, bold=True))
    names = (person.apellido_paterno, person.apellido_materno, person.nombre)
    for i, name in enumerate(names):
        draw.text((x, 128 + 27 * i), name, fill=INK, font=ui_font(24, bold=True))
    draw_label(draw, (820, 110), "SEXO", person.sexo)
    draw.text((x, 218), "DOMICILIO", fill=LABEL, font=ui_font(15, bold=True))
    for i, line in enumerate(_address(person, rng)):
        draw.text((x, 236 + 22 * i), line, fill=INK, font=ui_font(19, bold=True))
    registered = max(person.fecha_nacimiento.year + 18, 1991) + rng.randrange(0, 6)
    rows = (
        (((x, 310), "CLAVE DE ELECTOR", person.clave_elector),),
        (
            ((x, 362), "CURP", person.curp),
            ((700, 362), "AÑO DE REGISTRO", f"{registered} {person.emision}"),
        ),
        (
            ((x, 414), "FECHA DE NACIMIENTO", f"{person.fecha_nacimiento:%d/%m/%Y}"),
            ((600, 414), "SECCIÓN", person.seccion),
            ((720, 414), "VIGENCIA", f"{spec.issue_year} - {spec.expiry_year}"),
        ),
        (
            ((x, 466), "ESTADO", "26"),
            ((440, 466), "MUNICIPIO", person.municipio),
            ((580, 466), "LOCALIDAD", "0001"),
            ((720, 466), "EMISIÓN", str(spec.issue_year)),
        ),
    )
    for row in rows:
        for xy, label, value in row:
            draw_label(draw, xy, label, value)


def render_front(person: Citizen, spec: CardSpec) -> Image.Image:
    rng = card_rng(person, spec, "front")
    image, draw = blank_card(spec.model)
    _header(draw, spec)
    portrait = _portrait(rng, (270, 340))
    image.paste(portrait, (36, 110))
    # The ghost photo is a small faded copy of the portrait, a common security feature.
    ghost = Image.blend(portrait, Image.new("RGB", portrait.size, (236, 230, 236)), 0.65)
    image.paste(ghost.resize((108, 136)), (868, 474))
    draw.text((36, 466), "FIRMA", fill=LABEL, font=ui_font(13, bold=True))
    scribble(draw, (50, 490, 290, 560), rng.randrange(1 << 30))
    draw.text((330, 580), "DOCUMENTO SINTÉTICO DE PRUEBA", fill=LABEL, font=ui_font(14))
    _fields(draw, person, spec, rng)
    return image
