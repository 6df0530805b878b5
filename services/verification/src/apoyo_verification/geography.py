"""Where a support's record lives, and the units the dispersion rule counts (pure).

A *cell* is one combination of entidad, districts, municipio and sección found in a cut: the
finest grain the roll gives. Every dispersion unit is a grouping of cells, so the aggregates
count valid supports per cell and the progress groups them by whatever unit the process names,
even when the process is redefined with another unit.
"""

from typing import NamedTuple

from apoyo_common.messages import RollCell
from apoyo_common.processes import Territory
from apoyo_common.thresholds import unit_of
from apoyo_verification.roll.rows import RollRow

TERRITORY_FIELDS = ("entidad", "distrito_federal", "distrito_local", "municipio")
CELL_FIELDS = ("entidad", "distrito_federal", "distrito_local", "municipio", "seccion")
NO_CELL = ""  # the tally's cell of a support without a record


class Cell(NamedTuple):
    """One cell of a cut and its number of `LN` records."""

    entidad: str
    distrito_federal: str
    distrito_local: str
    municipio: str
    seccion: str
    ln: int

    @property
    def key(self) -> str:
        return cell_key(*self[:5])

    def unit(self, name: str) -> str:
        return unit_of(name, self)

    def within(self, territory: Territory) -> bool:
        return all(getattr(territory, f) in (None, getattr(self, f)) for f in TERRITORY_FIELDS)


def cell_key(
    entidad: str, distrito_federal: str, distrito_local: str, municipio: str, seccion: str
) -> str:
    return f"{entidad}-{distrito_federal}-{distrito_local}-{municipio}-{seccion}"


def cell_of(record: RollRow) -> str:
    return cell_key(
        record.entidad,
        record.distrito_federal,
        record.distrito_local,
        record.municipio,
        record.seccion,
    )


def registry_of(key: str | None) -> RollCell | None:
    """The roll's cell named by a `cell_key` (codes are digits: the dash only separates them);
    what `support.verified` carries of the record found, nothing personal."""
    if not key:
        return None
    return RollCell(**dict(zip(CELL_FIELDS, key.split("-"), strict=True)))
