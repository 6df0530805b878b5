"""Auxiliaries: people an aspirant registers (the FURA) to capture supports on a phone.

An auxiliary serves one aspirant of one process; their tokens name them (`aux:<id>`), so a
revoked registration stops every token at the next capture.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from apoyo_common.text import PersonText

PREFIX = "aux:"


class AuxiliaryForm(BaseModel):
    """The FURA data: who the auxiliary is and that they accept the data-protection duties."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    nombre: PersonText = Field(min_length=1, max_length=100)
    apellido_paterno: PersonText = Field(min_length=1, max_length=100)
    apellido_materno: PersonText | None = Field(default=None, max_length=100)
    clave_elector: str = Field(pattern=r"^[A-Za-z]{6}[0-9]{8}[HMXhmx][0-9]{3}$")
    email: PersonText = Field(pattern=r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]+$", max_length=254)
    accepted_data_protection: Literal[True]


@dataclass(frozen=True)
class Auxiliary:
    auxiliary_id: str
    process_id: str
    aspirant_id: str
    form: AuxiliaryForm
    registered_by: str
    registered_at: datetime  # also when the data-protection duties were accepted
    revoked_at: datetime | None = None

    @property
    def status(self) -> str:
        return "REVOCADO" if self.revoked_at is not None else "ACTIVO"


@dataclass(frozen=True)
class AuxiliaryCount:
    """Supports captured by one subject for an aspirant; `auxiliary` when registered.
    `decided`: those verified (neither received nor at the desk); `rejected`: of them, those
    that do not count. A rate far above the others' is how fraud by one auxiliary shows."""

    captured_by: str
    supports: int
    auxiliary: Auxiliary | None = None
    rejected: int = 0
    decided: int = 0

    @property
    def rejection_rate(self) -> float | None:
        return None if self.decided == 0 else self.rejected / self.decided


def subject_of(auxiliary_id: str) -> str:
    return PREFIX + auxiliary_id


def auxiliary_id_of(subject: str) -> str | None:
    return subject[len(PREFIX) :] if subject.startswith(PREFIX) else None


def capture_problem(auxiliary: Auxiliary | None, aspirant_id: str) -> str | None:
    """Why this registered auxiliary may not capture for `aspirant_id`; None when they may."""
    if auxiliary is None:
        return "token_invalid"
    if auxiliary.revoked_at is not None:
        return "token_revoked"
    if auxiliary.aspirant_id != aspirant_id:
        return "token_invalid"
    return None
