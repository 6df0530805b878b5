"""Thresholds and dispersion (domain.md, "Thresholds") over dispersion units (pure).

Shared by verification (its progress route groups the cut's cells into units) and export (its
`summary.json` groups the package's records by the units of the process's cells event), so the
two compute the same figures from the same counts.

Required supports are `ceil(pct × LN of the territory at the cut)`. Percentages come as floats
from the process definition; they are read through their shortest decimal text and multiplied
as `Decimal`, so that 3 % of 2,138,453 is 64,154 and not one more or less by binary rounding.
"""

import math
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

from apoyo_common.codes import Status
from apoyo_common.processes import Dispersion, ProcessDefinition

HUNDRED = Decimal(100)
# Codes are unique only within their state: a unit is named with its entidad.
UNIT_FIELDS = {
    "entidad": ("entidad",),
    "distrito_federal": ("entidad", "distrito_federal"),
    "distrito_local": ("entidad", "distrito_local"),
    "municipio": ("entidad", "municipio"),
    "seccion": ("entidad", "seccion"),
}


class Placed(Protocol):
    """Anything with the five geography codes of a voter-roll cell."""

    @property
    def entidad(self) -> str: ...
    @property
    def distrito_federal(self) -> str: ...
    @property
    def distrito_local(self) -> str: ...
    @property
    def municipio(self) -> str: ...
    @property
    def seccion(self) -> str: ...


def unit_of(unit: str, place: Placed) -> str:
    """The name of the dispersion unit holding a place, e.g. `26-030` for municipio 030."""
    return "-".join(getattr(place, name) for name in UNIT_FIELDS[unit])


def share(pct: float, base: int) -> int:
    """`ceil(pct / 100 × base)`, exactly."""
    return math.ceil(Decimal(repr(pct)) * base / HUNDRED)


def units_required(rule: Dispersion, units: int) -> int:
    """`min_units` as given, or "half": at least half of the territory's units, rounded up."""
    if rule.min_units == "half":
        return math.ceil(units / 2)
    return rule.min_units


@dataclass(frozen=True)
class UnitShare:
    """One dispersion unit: its LN records, the valid supports its share asks, those it has."""

    unit: str
    ln: int
    required: int
    valid: int

    @property
    def met(self) -> bool:
        return self.valid >= self.required

    def as_json(self) -> dict[str, object]:
        return {
            "unit": self.unit,
            "ln": self.ln,
            "required": self.required,
            "valid": self.valid,
            "met": self.met,
        }


@dataclass(frozen=True)
class DispersionProgress:
    unit: str
    units_met: int
    units_required: int
    units_total: int
    units: tuple[UnitShare, ...] = ()  # each unit of the territory, in name order

    @property
    def met(self) -> bool:
        return self.units_met >= self.units_required


@dataclass(frozen=True)
class Progress:
    required: int
    valid: int
    ln_total: int
    by_status: dict[str, int]
    dispersion: DispersionProgress | None

    @property
    def met(self) -> bool:
        enough = self.valid >= self.required
        return enough and (self.dispersion is None or self.dispersion.met)

    def as_json(self) -> dict[str, object]:
        spread = self.dispersion
        return {
            "required": self.required,
            "valid": self.valid,
            "ln_total": self.ln_total,
            "by_status": dict(sorted(self.by_status.items())),
            "dispersion": None
            if spread is None
            else {
                "unit": spread.unit,
                "units_met": spread.units_met,
                "units_required": spread.units_required,
                "units_total": spread.units_total,
                "units": [unit.as_json() for unit in spread.units],
            },
            "met": self.met,
        }


def unit_dispersion(
    rule: Dispersion, ln_by_unit: Mapping[str, int], valid_by_unit: Mapping[str, int]
) -> DispersionProgress:
    """Units of the territory (those with LN records) meeting their share of valid supports."""
    shares = tuple(
        UnitShare(u, n, share(rule.pct_per_unit, n), valid_by_unit.get(u, 0))
        for u, n in sorted(ln_by_unit.items())
        if n > 0
    )
    met = sum(1 for one in shares if one.met)
    total = len(shares)
    return DispersionProgress(rule.unit, met, units_required(rule, total), total, shares)


def unit_progress(
    process: ProcessDefinition,
    ln_total: int,
    by_status: Mapping[str, int],
    spread: DispersionProgress | None,
) -> Progress:
    """An aspirant's progress from the territory's LN, its counts and its dispersion."""
    return Progress(
        required=share(process.threshold_pct, ln_total),
        valid=by_status.get(Status.EN_LISTA_NOMINAL.value, 0),
        ln_total=ln_total,
        by_status={s: n for s, n in by_status.items() if n},
        dispersion=spread,
    )
