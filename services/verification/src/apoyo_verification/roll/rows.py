"""One voter-roll row (interfaces.md §4): checked column by column into a typed `RollRow`.

Pure: no I/O. Messages are for the operator, in Spanish, and never quote the value (a
row carries personal data: names, claves, CURPs must not reach a terminal log).
"""

import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import NamedTuple

from apoyo_common.codes import CausaBaja, Situacion
from apoyo_common.rules import clave, curp

COLUMNS = (
    "cic",
    "identificador",
    "clave_elector",
    "emision",
    "curp",
    "apellido_paterno",
    "apellido_materno",
    "nombre",
    "fecha_nacimiento",
    "sexo",
    "entidad",
    "distrito_federal",
    "distrito_local",
    "municipio",
    "seccion",
    "vigencia",
    "situacion",
    "causa_baja",
)


class RollRow(NamedTuple):
    """A valid row; a tuple in COLUMNS order so that it can be copied as it is."""

    cic: str
    identificador: str
    clave_elector: str
    emision: str
    curp: str | None  # the padrón does not hold a CURP for every citizen
    apellido_paterno: str
    apellido_materno: str
    nombre: str
    fecha_nacimiento: date
    sexo: str
    entidad: str
    distrito_federal: str
    distrito_local: str
    municipio: str
    seccion: str
    vigencia: int
    situacion: Situacion
    causa_baja: CausaBaja | None

    @property
    def ocr(self) -> str:
        return self.seccion + self.identificador


@dataclass(frozen=True, slots=True)
class RowError:
    line: int
    column: str  # empty when the whole row is wrong
    reason: str

    def __str__(self) -> str:
        where = f"columna {self.column}: " if self.column else ""
        return f"línea {self.line}: {where}{self.reason}"


Check = Callable[[str], str | None]


def digits(width: int, low: int = 1, high: int | None = None) -> Check:
    """Exactly `width` ASCII digits, the number within [low, high]."""
    pattern = re.compile(f"[0-9]{{{width}}}")
    top = 10**width - 1 if high is None else high

    def check(value: str) -> str | None:
        if not pattern.fullmatch(value):
            return f"debe tener {width} dígitos"
        if not low <= int(value) <= top:
            return f"debe estar entre {low:0{width}d} y {top:0{width}d}"
        return None

    return check


_NAME = re.compile(r"[^\W\d_]+(?:[ '.\-]+[^\W\d_]+)*\.?")
NAME_MAX = 80


def name(required: bool) -> Check:
    def check(value: str) -> str | None:
        if not value:
            return "es obligatorio" if required else None
        if "\ufffd" in value:
            return "no es texto UTF-8 válido"
        if len(value) > NAME_MAX or not _NAME.fullmatch(value):
            return "solo admite letras, espacios, apóstrofo, punto y guion"
        return None

    return check


def check_clave(value: str) -> str | None:
    return None if clave.is_valid_format(value) else "no tiene el formato de clave de elector"


_CURP_REASONS = {
    "format": "no tiene el formato de CURP",
    "state": "entidad de nacimiento desconocida en la CURP",
    "birth_date": "fecha de nacimiento imposible en la CURP",
    "check_digit": "dígito verificador de la CURP incorrecto",
}


def check_curp(value: str) -> str | None:
    found = curp.problems(value) if value else []
    return "; ".join(_CURP_REASONS[p] for p in found) or None


_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def check_date(value: str) -> str | None:
    if _ISO_DATE.fullmatch(value):
        try:
            date.fromisoformat(value)
            return None
        except ValueError:
            return "no es una fecha existente"
    return "debe ser una fecha AAAA-MM-DD"


def one_of(allowed: Sequence[str], optional: bool = False) -> Check:
    options = frozenset(allowed)
    listed = ", ".join(allowed)

    def check(value: str) -> str | None:
        if value in options or (optional and not value):
            return None
        return f"debe ser uno de: {listed}"

    return check


CHECKS: tuple[Check, ...] = (
    digits(9, low=0),
    digits(9, low=0),
    check_clave,
    digits(2, low=0),
    check_curp,
    name(required=False),  # a few citizens carry a single surname, either one
    name(required=False),
    name(required=True),
    check_date,
    one_of(("H", "M", "X")),
    digits(2, high=32),
    digits(2),
    digits(2),
    digits(3),
    digits(4),
    digits(4, low=1900),
    one_of([s.value for s in Situacion]),
    one_of([c.value for c in CausaBaja], optional=True),
)


def cross_checks(fields: Sequence[str], cut: date) -> list[tuple[str, str]]:
    """Rules between columns, on fields whose own checks passed."""
    found = []
    paterno, materno, born = fields[5], fields[6], fields[8]
    situacion, causa = fields[16], fields[17]
    if not paterno and not materno:
        found.append(("apellido_paterno", "falta un apellido (paterno o materno)"))
    if situacion == Situacion.BAJA and not causa:
        found.append(("causa_baja", "es obligatoria cuando situacion es BAJA"))
    if situacion != Situacion.BAJA and causa:
        found.append(("causa_baja", "debe ir vacía cuando situacion no es BAJA"))
    if date.fromisoformat(born) > cut:
        found.append(("fecha_nacimiento", "es posterior a la fecha del corte"))
    return found


def _normal(fields: Sequence[str]) -> list[str]:
    values = [f.strip() for f in fields]
    for i in (2, 4):
        values[i] = values[i].upper()
    for i in (5, 6, 7):
        values[i] = unicodedata.normalize("NFC", values[i])  # "Ñ" may arrive as N + U+0303
    return values


def validate(fields: Sequence[str], line: int, cut: date) -> RollRow | list[RowError]:
    """The typed row, or every problem of the row (fields in COLUMNS order)."""
    if len(fields) != len(COLUMNS):
        return [RowError(line, "", f"se esperaban {len(COLUMNS)} campos y hay {len(fields)}")]
    values = _normal(fields)
    errors = [
        RowError(line, column, reason)
        for column, check, value in zip(COLUMNS, CHECKS, values, strict=True)
        if (reason := check(value)) is not None
    ]
    if errors:
        return errors
    crossed = cross_checks(values, cut)
    if crossed:
        return [RowError(line, column, reason) for column, reason in crossed]
    return typed(values)


def typed(v: list[str]) -> RollRow:
    causa = CausaBaja(v[17]) if v[17] else None
    born, vigencia = date.fromisoformat(v[8]), int(v[15])
    return RollRow(
        v[0], v[1], v[2], v[3], v[4] or None, v[5], v[6], v[7], born,
        v[9], v[10], v[11], v[12], v[13], v[14], vigencia, Situacion(v[16]), causa,
    )  # fmt: skip


def column_positions(header: Sequence[str]) -> tuple[list[int], list[RowError]]:
    """Where each of COLUMNS is in the file's header (any order), or what is wrong with it."""
    names = [h.strip().lower() for h in header]
    errors = [
        RowError(1, c, "falta la columna en el encabezado") for c in COLUMNS if c not in names
    ]
    errors += [
        RowError(1, n, "columna desconocida") for n in dict.fromkeys(names) if n not in COLUMNS
    ]
    errors += [RowError(1, c, "columna repetida") for c in COLUMNS if names.count(c) > 1]
    return [names.index(c) for c in COLUMNS if c in names], errors
