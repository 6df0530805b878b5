"""Synthetic credentials (INE credencial para votar, models E to H): front, back, signature.

The façade over `card_front`, `card_back` and `mrz`; `photos` turns these flat cards into
phone photos. Every image is drawn here from generated data; nothing comes from real cards.
"""

import io
import random

from PIL import Image, ImageDraw

from apoyo.synthetic.card_back import render_back
from apoyo.synthetic.card_front import render_front
from apoyo.synthetic.card_style import MODELS, CardSpec, encode, scribble
from apoyo.synthetic.mrz import mrz_lines
from apoyo.synthetic.people import Citizen

__all__ = [
    "MODELS",
    "CardSpec",
    "back",
    "default_spec",
    "front",
    "mrz_lines",
    "random_spec",
    "render_back",
    "render_front",
    "signature",
]

# Approximate years each model was issued in (F is the one issued abroad).
_ISSUE_YEARS = {"E": (2014, 2016), "F": (2016, 2020), "G": (2016, 2019), "H": (2019, 2025)}


def default_spec(person: Citizen) -> CardSpec:
    # Issued 2023 so the vigencia (2033) matches the synthetic voter roll and `mrz_lines`.
    return CardSpec("H", 2023)


def random_spec(rng: random.Random) -> CardSpec:
    model = rng.choice(MODELS)
    first, last = _ISSUE_YEARS[model]
    return CardSpec(model, rng.randint(first, last))


def front(person: Citizen) -> bytes:
    return encode(render_front(person, default_spec(person)), quality=88)


def back(person: Citizen) -> bytes:
    image, _ = render_back(person, default_spec(person))
    return encode(image, quality=88)


def signature(person: Citizen) -> bytes:
    image = Image.new("RGB", (400, 160), (255, 255, 255))
    scribble(ImageDraw.Draw(image), (20, 30, 380, 130), int(person.cic) ^ 0x5A5A)
    buffer = io.BytesIO()
    image.convert("L").save(buffer, "PNG", optimize=True)
    return buffer.getvalue()
