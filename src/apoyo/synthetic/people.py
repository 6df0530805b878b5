"""Synthetic citizens with internally consistent claves, CURPs, CICs and OCRs."""

import random
from dataclasses import dataclass
from datetime import date, timedelta

from apoyo_common.rules.curp import check_digit as curp_check_digit

PATERNOS = (
    "GARCIA",
    "LOPEZ",
    "MARTINEZ",
    "HERNANDEZ",
    "VALENZUELA",
    "MORENO",
    "ROMERO",
    "ACOSTA",
    "LUNA",
    "FIGUEROA",
    "ESPINOZA",
    "DURAZO",
    "SALAZAR",
    "QUIJADA",
    "NUÑEZ",
)
MATERNOS = (
    "SOTO",
    "RUIZ",
    "MENDEZ",
    "LEYVA",
    "CORONADO",
    "ENCINAS",
    "PADILLA",
    "YESCAS",
    "IBARRA",
    "BORQUEZ",
    "CASTRO",
    "OCHOA",
    "TAPIA",
    "VEGA",
    "ZAZUETA",
)
NOMBRES = (
    ("NOE", "H"),
    ("JESUS", "H"),
    ("MARIA", "M"),
    ("GUADALUPE", "M"),
    ("ANA", "M"),
    ("RAMON", "H"),
    ("LUCIA", "M"),
    ("OSCAR", "H"),
    ("ELENA", "M"),
    ("IVAN", "H"),
    ("ROSARIO", "M"),
    ("ULISES", "H"),
    ("XIMENA", "M"),
    ("EFRAIN", "H"),
)
_VOWELS = "AEIOU"


def _plain(word: str) -> str:
    return word.replace("Ñ", "X")


def _first_internal(word: str, consonant: bool) -> str:
    for letter in _plain(word)[1:]:
        if (letter not in _VOWELS) == consonant:
            return letter
    return "X"


@dataclass(frozen=True)
class Citizen:
    apellido_paterno: str
    apellido_materno: str
    nombre: str
    sexo: str
    fecha_nacimiento: date
    clave_elector: str
    curp: str
    cic: str
    identificador: str
    seccion: str
    emision: str
    municipio: str

    @property
    def ocr(self) -> str:
        return self.seccion + self.identificador


def _clave(p: str, m: str, n: str, born: date, sex: str, rng: random.Random) -> str:
    letters = "".join(_plain(w)[0] + _first_internal(w, consonant=True) for w in (p, m, n))
    return f"{letters}{born:%y%m%d}26{sex}{rng.randrange(1000):03d}"


def _curp(p: str, m: str, n: str, born: date, sex: str, rng: random.Random) -> str:
    head = _plain(p)[0] + _first_internal(p, consonant=False) + _plain(m)[0] + _plain(n)[0]
    inner = "".join(_first_internal(w, consonant=True) for w in (p, m, n))
    # Position 17 tells the century: a digit for births before 2000, a letter from then on.
    drawn = int(rng.choice("0123456789"))  # one draw either way: same stream, same people
    century = str(drawn) if born.year < 2000 else "ABCDEFGHIJ"[drawn]
    first17 = f"{head}{born:%y%m%d}{sex}SR{inner}{century}"
    return first17 + curp_check_digit(first17)


def make_citizen(rng: random.Random, secciones: list[tuple[str, str]]) -> Citizen:
    paterno, materno = rng.choice(PATERNOS), rng.choice(MATERNOS)
    nombre, sexo = rng.choice(NOMBRES)
    born = date(1950, 1, 1) + timedelta(days=rng.randrange(365 * 55))
    seccion, municipio = rng.choice(secciones)
    return Citizen(
        apellido_paterno=paterno,
        apellido_materno=materno,
        nombre=nombre,
        sexo=sexo,
        fecha_nacimiento=born,
        clave_elector=_clave(paterno, materno, nombre, born, sexo, rng),
        curp=_curp(paterno, materno, nombre, born, sexo, rng),
        cic=f"{rng.randrange(10**9):09d}",
        identificador=f"{rng.randrange(10**9):09d}",
        seccion=seccion,
        emision=f"{rng.randrange(1, 4):02d}",
        municipio=municipio,
    )


def make_citizens(count: int, seed: int = 2027) -> list[Citizen]:
    rng = random.Random(seed)  # noqa: S311 - synthetic data, not secrets
    secciones = [(f"{s:04d}", f"{(s % 72) + 1:03d}") for s in range(100, 160)]
    return [make_citizen(rng, secciones) for _ in range(count)]
