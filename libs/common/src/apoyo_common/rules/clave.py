"""Clave de elector: 18 characters, no public check digit, so format and consistency only.

Letters 1-6 are the initial and the first internal consonant of the paternal surname, the
maternal surname and the given name; then the birth date YYMMDD, the birth-state code, the
sex and three more characters.
"""

import re
import unicodedata
from datetime import date

_FORMAT = re.compile(r"^[A-Z]{6}[0-9]{6}([0-9]{2})[HMX][0-9A-Z]{3}$")
_VOWELS = frozenset("AEIOU")
_PARTICLES = frozenset(
    {
        "DA",
        "DAS",
        "DE",
        "DEL",
        "DER",
        "DI",
        "DIE",
        "DD",
        "EL",
        "LA",
        "LAS",
        "LE",
        "LES",
        "LOS",
        "MAC",
        "MC",
        "VAN",
        "VON",
        "Y",
    }
)


def normalise(name: str) -> str:
    """Upper case, accents off, Ñ as X (as the registry writes it), particles dropped."""
    name = name.upper().replace("Ñ", "X")
    plain = "".join(c for c in unicodedata.normalize("NFD", name) if not unicodedata.combining(c))
    words = [w for w in re.split(r"[^A-Z]+", plain) if w and w not in _PARTICLES]
    return words[0] if words else ""


def name_letters(name: str | None) -> str:
    word = normalise(name or "")
    if not word:
        return "XX"
    internal = next((c for c in word[1:] if c not in _VOWELS), "X")
    return word[0] + internal


def is_valid_format(clave: str) -> bool:
    match = _FORMAT.match(clave.strip().upper())
    if match is None:
        return False
    state = int(match.group(1))
    return 1 <= state <= 32 or state in (87, 88)  # 87/88: born abroad


def mismatches(
    clave: str, paterno: str | None, materno: str | None, nombre: str | None, born: date | None
) -> list[str]:
    """Fields whose letters or digits the clave contradicts; `format` if it is not a clave."""
    clave = clave.strip().upper()
    if not is_valid_format(clave):
        return ["format"]
    found = []
    for label, name, span in (
        ("apellido_paterno", paterno, slice(0, 2)),
        ("apellido_materno", materno, slice(2, 4)),
        ("nombre", nombre, slice(4, 6)),
    ):
        if name is not None and name_letters(name) != clave[span]:
            found.append(label)
    if born is not None and f"{born:%y%m%d}" != clave[6:12]:
        found.append("fecha_nacimiento")
    return found
