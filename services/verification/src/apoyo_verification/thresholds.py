"""Thresholds and dispersion (domain.md, "Thresholds"; docs/verification.md) (pure).

Required supports are `ceil(pct × LN of the territory at the cut)`. Percentages come as floats
from the process definition; they are read through their shortest decimal text and multiplied
as `Decimal`, so that 3 % of 2,138,453 is 64,154 and not one more or less by binary rounding.
"""

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from apoyo_common.codes import Status
from apoyo_common.processes import Dispersion, ProcessDefinition
from apoyo_verification.geography import Cell

HUNDRED = Decimal(100)


def share(pct: float, base: int) -> int:
    """`ceil(pct / 100 × base)`, exactly."""
    return math.ceil(Decimal(repr(pct)) * base / HUNDRED)


def units_required(rule: Dispersion, units: int) -> int:
    """`min_units` as given, or "half": at least half of the territory's units, rounded up."""
    if rule.min_units == "half":
        return math.ceil(units / 2)
    return rule.min_units


@dataclass(frozen=True)
class DispersionProgress:
    unit: str
    units_met: int
    units_required: int
    units_total: int

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
            },
            "met": self.met,
        }


def dispersion(
    rule: Dispersion, cells: Iterable[Cell], valid: Mapping[str, int]
) -> DispersionProgress:
    """Units of the territory (those with LN records) meeting their share of valid supports."""
    ln: dict[tuple[str, ...], int] = {}
    got: dict[tuple[str, ...], int] = {}
    for cell in cells:
        unit = cell.unit(rule.unit)
        ln[unit] = ln.get(unit, 0) + cell.ln
        got[unit] = got.get(unit, 0) + valid.get(cell.key, 0)
    units = [u for u, n in ln.items() if n > 0]
    met = sum(1 for u in units if got[u] >= share(rule.pct_per_unit, ln[u]))
    return DispersionProgress(rule.unit, met, units_required(rule, len(units)), len(units))


def progress(
    process: ProcessDefinition,
    cells: Iterable[Cell],
    by_status: Mapping[str, int],
    valid_by_cell: Mapping[str, int],
) -> Progress:
    """An aspirant's progress from the cut's cells and the aspirant's aggregates."""
    mine = [c for c in cells if c.within(process.territory)]
    ln_total = sum(c.ln for c in mine)
    rule = process.dispersion
    return Progress(
        required=share(process.threshold_pct, ln_total),
        valid=by_status.get(Status.EN_LISTA_NOMINAL.value, 0),
        ln_total=ln_total,
        by_status={s: n for s, n in by_status.items() if n},
        dispersion=None if rule is None else dispersion(rule, mine, valid_by_cell),
    )
