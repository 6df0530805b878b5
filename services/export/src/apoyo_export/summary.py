"""`summary.json`: the progress object (interfaces.md §5) over the package's own records.

The figures come from the same rules verification's progress route uses
(`apoyo_common.thresholds`): the territory's `LN` and each dispersion unit's come from
verification's `process.cells` at the process's cut; the valid supports per unit are the
package's `EN_LISTA_NOMINAL` records grouped by their roll cell. Counted over the records, the
summary agrees with supports.jsonl by construction.
"""

import json
from collections import Counter
from dataclasses import dataclass, field

from apoyo_common.codes import Status
from apoyo_common.messages import ProcessCells, RollCell
from apoyo_common.processes import ProcessDefinition
from apoyo_common.thresholds import unit_dispersion, unit_of, unit_progress

COUNTED = Status.EN_LISTA_NOMINAL.value


class CellsMissing(LookupError):
    """Verification has not told export the process's cut (`process.cells`) yet."""


@dataclass(frozen=True)
class Basis:
    """What the summary needs besides the records: the process and its cut's `LN`."""

    process: ProcessDefinition
    cells: ProcessCells


def basis(process: ProcessDefinition | None, cells: ProcessCells | None) -> Basis:
    """Raises CellsMissing unless the cells are of the process's cut and dispersion unit."""
    if process is None:
        raise CellsMissing("el proceso no es conocido por la exportación")
    rule = process.dispersion
    unit = None if rule is None else rule.unit
    if cells is None or cells.cut != process.cut or cells.unit != unit:
        raise CellsMissing(
            f"aún no llegan de verificación las cifras de la lista nominal del corte "
            f"{process.cut} del proceso {process.id} (process.cells)"
        )
    return Basis(process, cells)


@dataclass
class Tally:
    """The records' counts the summary reads, added one record at a time."""

    unit: str | None
    supports: int = 0
    by_status: Counter[str] = field(default_factory=Counter)
    valid_by_unit: Counter[str] = field(default_factory=Counter)

    def add(self, status: str, registry: dict[str, str] | None) -> None:
        self.supports += 1
        self.by_status[status] += 1
        if status == COUNTED and registry is not None and self.unit is not None:
            self.valid_by_unit[unit_of(self.unit, RollCell.model_validate(registry))] += 1


def summary_of(tally: Tally, basis: Basis) -> dict[str, object]:
    rule, cells = basis.process.dispersion, basis.cells
    spread = None if rule is None else unit_dispersion(rule, cells.ln_by_unit, tally.valid_by_unit)
    progress = unit_progress(basis.process, cells.ln_total, tally.by_status, spread)
    return progress.as_json() | {"supports": tally.supports}


def summary_json(tally: Tally, basis: Basis) -> bytes:
    return json.dumps(summary_of(tally, basis), indent=2, ensure_ascii=False).encode()
