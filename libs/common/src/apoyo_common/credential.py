"""What identity reads off a credential, as carried on `identity.decoded` (interfaces.md §7)."""

from datetime import date
from typing import Literal

from apoyo_common.messages_base import Contract


class MrzFields(Contract):
    """A machine-readable zone whose every check digit passed."""

    lines: tuple[str, str, str]
    cic: str
    ocr: str
    seccion: str
    identificador: str
    birth_date: date
    sex: str
    expiry: date
    surnames: tuple[str, ...]
    given_names: tuple[str, ...]


class BarcodeRead(Contract):
    format: str
    kind: Literal["INE_URL", "INE_DENSE", "APOYO", "OTHER"]
    text: str | None = None  # None for INE's encrypted codes: their content belongs to INE


class FieldCheck(Contract):
    """One typed field against what the card says."""

    field: str
    result: Literal["MATCH", "MISMATCH", "NOT_TYPED", "NOT_READ"]
