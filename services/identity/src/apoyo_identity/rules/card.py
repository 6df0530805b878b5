"""OCR, CIC, sex letters and vigencia of the credential."""

import re
from datetime import date

_OCR = re.compile(r"^[0-9]{13}$")
_CIC = re.compile(r"^[0-9]{9}$")
SEX_LETTERS = frozenset("HMX")


def split_ocr(ocr: str) -> tuple[str, str] | None:
    """OCR = 4-digit sección + 9-digit identificador del ciudadano."""
    return (ocr[:4], ocr[4:]) if _OCR.match(ocr) else None


def is_valid_cic(cic: str) -> bool:
    return bool(_CIC.match(cic))


def is_valid_sex(letter: str) -> bool:
    return letter in SEX_LETTERS


def vigencia_from_expiry(expiry: date) -> int:
    """The printed vigencia is the last valid year; the card is valid to its 31 December."""
    return expiry.year


def is_current(vigencia: int, on: date) -> bool:
    return on <= date(vigencia, 12, 31)
