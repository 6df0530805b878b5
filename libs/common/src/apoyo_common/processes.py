"""The definition of a process (interfaces.md §3), shared by every service that needs it."""

from datetime import date
from enum import StrEnum
from typing import Literal

from pydantic import AwareDatetime, Field, model_validator

from apoyo_common.messages_base import Contract


class Office(StrEnum):
    PRESIDENCIA = "PRESIDENCIA"
    SENADURIA = "SENADURIA"
    DIPUTACION_FEDERAL = "DIPUTACION_FEDERAL"
    GUBERNATURA = "GUBERNATURA"
    DIPUTACION_LOCAL = "DIPUTACION_LOCAL"
    AYUNTAMIENTO = "AYUNTAMIENTO"


class Territory(Contract):
    entidad: str | None = Field(default=None, pattern=r"^[0-9]{2}$")
    distrito_federal: str | None = Field(default=None, pattern=r"^[0-9]{2}$")
    distrito_local: str | None = Field(default=None, pattern=r"^[0-9]{2}$")
    municipio: str | None = Field(default=None, pattern=r"^[0-9]{3}$")


class Dispersion(Contract):
    unit: Literal["entidad", "distrito_federal", "distrito_local", "municipio", "seccion"]
    min_units: int | Literal["half"]
    pct_per_unit: float = Field(gt=0, le=100)


class CaptureWindow(Contract):
    start: AwareDatetime
    end: AwareDatetime

    @model_validator(mode="after")
    def _ordered(self) -> "CaptureWindow":
        if self.end <= self.start:
            raise ValueError("capture.end must be after capture.start")
        return self


class Aspirant(Contract):
    id: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")
    name: str = Field(min_length=1, max_length=200)


class ProcessDefinition(Contract):
    topic: Literal["process.defined"] = "process.defined"
    schema_version: Literal[1] = 1
    id: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")
    name: str = Field(min_length=1, max_length=200)
    office: Office
    territory: Territory
    cut: date
    threshold_pct: float = Field(gt=0, le=100)
    dispersion: Dispersion | None = None
    capture: CaptureWindow
    require_selfie: bool = False
    aspirants: tuple[Aspirant, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_aspirants(self) -> "ProcessDefinition":
        ids = [a.id for a in self.aspirants]
        if len(ids) != len(set(ids)):
            raise ValueError("aspirant ids must be unique within a process")
        return self

    def has_aspirant(self, aspirant_id: str) -> bool:
        return any(a.id == aspirant_id for a in self.aspirants)
