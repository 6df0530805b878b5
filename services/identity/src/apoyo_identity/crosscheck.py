"""Typed fields against the card's MRZ, field by field (pure)."""

import re
import unicodedata
from collections.abc import Callable

from apoyo_common.credential import FieldCheck
from apoyo_common.messages import SupportForm
from apoyo_common.rules.clave import mismatches
from apoyo_identity.rules.mrz import MrzRead

Reader = Callable[[MrzRead], str | None]


def _name(parts: tuple[str, ...], index: int) -> str | None:
    return parts[index] if len(parts) > index else None


READS: dict[str, Reader] = {
    "cic": lambda m: m.cic,
    "ocr": lambda m: m.ocr,
    "seccion": lambda m: m.seccion,
    "apellido_paterno": lambda m: _name(m.surnames, 0),
    "apellido_materno": lambda m: _name(m.surnames, 1),
    "nombre": lambda m: " ".join(m.given_names) or None,
}


def plain(name: str) -> str:
    """Upper case, no accents, Ñ as N, words separated by one space: how the MRZ spells."""
    name = name.upper().replace("Ñ", "N")
    bare = "".join(c for c in unicodedata.normalize("NFD", name) if not unicodedata.combining(c))
    return " ".join(re.split(r"[^A-Z]+", bare)).strip()


NAMES = ("apellido_paterno", "apellido_materno", "nombre")


def _same(field: str, typed: str, read: str, truncated: bool) -> bool:
    if field not in NAMES:
        return typed.strip() == read
    typed, read = plain(typed), plain(read)
    # A full third line may have cut the last name short: a prefix is all it can show.
    return typed == read or (truncated and bool(read) and typed.startswith(read))


def _check(field: str, typed: str | None, mrz: MrzRead | None) -> FieldCheck:
    read = None if mrz is None else READS[field](mrz)
    if not typed:
        return FieldCheck(field=field, result="NOT_TYPED")
    if mrz is None or read is None:
        return FieldCheck(field=field, result="NOT_READ")
    truncated = not mrz.lines[2].endswith("<")
    same = _same(field, typed, read, truncated)
    return FieldCheck(field=field, result="MATCH" if same else "MISMATCH")


def cross_checks(form: SupportForm, mrz: MrzRead | None) -> tuple[FieldCheck, ...]:
    checks = [_check(field, getattr(form, field), mrz) for field in READS]
    checks.append(_clave_check(form, mrz))
    return tuple(checks)


def _clave_check(form: SupportForm, mrz: MrzRead | None) -> FieldCheck:
    """The clave de elector has no MRZ field; its letters and date must agree with the card."""
    if not form.clave_elector:
        return FieldCheck(field="clave_elector", result="NOT_TYPED")
    if mrz is None:
        return FieldCheck(field="clave_elector", result="NOT_READ")
    paterno, materno, nombre = (_best_spelling(f, getattr(form, f), mrz) for f in NAMES)
    found = mismatches(form.clave_elector, paterno, materno, nombre, mrz.birth_date)
    return FieldCheck(field="clave_elector", result="MISMATCH" if found else "MATCH")


def _best_spelling(field: str, typed: str | None, mrz: MrzRead) -> str | None:
    """The typed name where the card agrees with it: the MRZ writes Ñ as N, the clave as X."""
    read = READS[field](mrz)
    if typed and read and plain(typed) == plain(read):
        return typed
    return read
