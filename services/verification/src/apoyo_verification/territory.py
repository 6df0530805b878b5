"""A process's territory at its cut, told to export (`process.cells`): the `LN` records of the
territory and of each of its dispersion units, what export's summary needs and no more.

Announced whenever verification learns a process's cut: on `process.defined` (re-verification
switches the cut through a new `process.defined` too) and when a cut some process uses is
loaded. A Sonora-scale process has about 1,500 secciones: one message. A national process by
sección would be about 70,000 units (a few MB): it would have to be split per entidad, which
`ProcessCells` does not do yet.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from apoyo_common.logs import get_logger
from apoyo_common.messages import ProcessCells
from apoyo_common.processes import ProcessDefinition
from apoyo_verification.geography import Cell
from apoyo_verification.ports import UnknownCut, VoterRoll
from apoyo_verification.thresholds import ln_by_unit

log = get_logger(__name__)


class Announcements(Protocol):
    async def announce(self, cells: ProcessCells) -> None:
        """Queue the event in verification's outbox."""
        ...


def process_cells(process: ProcessDefinition, cells: Iterable[Cell], now: datetime) -> ProcessCells:
    mine = [c for c in cells if c.within(process.territory) and c.ln > 0]
    rule = process.dispersion
    return ProcessCells(
        process_id=process.id,
        cut=process.cut,
        unit=None if rule is None else rule.unit,
        ln_total=sum(c.ln for c in mine),
        ln_by_unit={} if rule is None else ln_by_unit(rule.unit, mine),
        computed_at=now,
    )


@dataclass(frozen=True)
class Territories:
    roll: VoterRoll
    outbox: Announcements
    clock: Callable[[], datetime]

    async def announce(self, process: ProcessDefinition) -> bool:
        """False when the process's cut is not loaded yet (loading it announces it then)."""
        try:
            cells = await self.roll.cells(process.cut)
        except UnknownCut:
            log.warning("process_cut_not_loaded", process_id=process.id, cut=str(process.cut))
            return False
        await self.outbox.announce(process_cells(process, cells, self.clock()))
        return True
