"""Thresholds and dispersion from the cut's cells (domain.md, "Thresholds"; docs/verification.md).

The rules are `apoyo_common.thresholds` (export computes its summary with them): this module
only groups the cells of the process's territory into its dispersion units.
"""

from collections.abc import Iterable, Mapping

from apoyo_common.processes import Dispersion, ProcessDefinition
from apoyo_common.thresholds import (
    DispersionProgress,
    Progress,
    share,
    unit_dispersion,
    unit_progress,
    units_required,
)
from apoyo_verification.geography import Cell

__all__ = [
    "DispersionProgress",
    "Progress",
    "dispersion",
    "ln_by_unit",
    "progress",
    "share",
    "units_required",
]


def ln_by_unit(unit: str, cells: Iterable[Cell]) -> dict[str, int]:
    """`LN` records per dispersion unit of the cells."""
    ln: dict[str, int] = {}
    for cell in cells:
        name = cell.unit(unit)
        ln[name] = ln.get(name, 0) + cell.ln
    return ln


def dispersion(
    rule: Dispersion, cells: Iterable[Cell], valid: Mapping[str, int]
) -> DispersionProgress:
    """Units of the territory (those with LN records) meeting their share of valid supports;
    `valid` counts valid supports per cell key."""
    cells = list(cells)
    got: dict[str, int] = {}
    for cell in cells:
        name = cell.unit(rule.unit)
        got[name] = got.get(name, 0) + valid.get(cell.key, 0)
    return unit_dispersion(rule, ln_by_unit(rule.unit, cells), got)


def progress(
    process: ProcessDefinition,
    cells: Iterable[Cell],
    by_status: Mapping[str, int],
    valid_by_cell: Mapping[str, int],
) -> Progress:
    """An aspirant's progress from the cut's cells and the aspirant's aggregates."""
    mine = [c for c in cells if c.within(process.territory)]
    rule = process.dispersion
    spread = None if rule is None else dispersion(rule, mine, valid_by_cell)
    return unit_progress(process, sum(c.ln for c in mine), by_status, spread)
