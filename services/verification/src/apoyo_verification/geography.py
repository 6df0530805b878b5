"""Where a support's record lives, and the units the dispersion rule counts (pure).

A *cell* is one combination of entidad, districts, municipio and sección found in a cut: the
finest grain the roll gives. Every dispersion unit is a grouping of cells, so the aggregates
count valid supports per cell and the progress groups them by whatever unit the process names,
even when the process is redefined with another unit.
"""

from typing import NamedTuple

from apoyo_common.processes import Territory
from apoyo_verification.roll.rows import RollRow

TERRITORY_FIELDS = ("entidad", "distrito_federal", "distrito_local", "municipio")
# Codes are unique only within their state: a unit is named with its entidad.
UNIT_FIELDS = {
    "entidad": ("entidad",),
    "distrito_federal": ("entidad", "distrito_federal"),
    "distrito_local": ("entidad", "distrito_local"),
    "municipio": ("entidad", "municipio"),
    "seccion": ("entidad", "seccion"),
}
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

    def unit(self, name: str) -> tuple[str, ...]:
        return tuple(getattr(self, f) for f in UNIT_FIELDS[name])

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
