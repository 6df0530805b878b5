"""An aspirant's progress, read from the aggregates and the cut's cells, and who may see it."""

from dataclasses import dataclass

from apoyo_common.codes import Status
from apoyo_common.roles import may_act_for
from apoyo_common.tokens import Principal
from apoyo_verification.book import Processes, SupportBook
from apoyo_verification.ports import UnknownCut, VoterRoll
from apoyo_verification.thresholds import Progress, progress


class NotFound(LookupError):
    """The process, the aspirant in it, or the process's cut is not known."""


def may_see(principal: Principal, process_id: str, aspirant_id: str) -> bool:
    """The institute sees every aspirant (of its process, if its token names one); an aspirant
    sees itself, in its own process."""
    return may_act_for(principal, process_id, aspirant_id)


@dataclass(frozen=True)
class ProgressReader:
    processes: Processes
    roll: VoterRoll
    book: SupportBook

    async def read(self, process_id: str, aspirant_id: str) -> Progress:
        process = await self.processes.get(process_id)
        if process is None:
            raise NotFound("proceso desconocido")
        if not process.has_aspirant(aspirant_id):
            raise NotFound("aspirante desconocido en el proceso")
        try:
            cells = await self.roll.cells(process.cut)
        except UnknownCut:
            raise NotFound("el corte de la lista nominal del proceso no está cargado") from None
        by_status: dict[str, int] = {}
        valid: dict[str, int] = {}
        for (status, cell), n in (await self.book.tally(process_id, aspirant_id)).items():
            by_status[status] = by_status.get(status, 0) + n
            if status == Status.EN_LISTA_NOMINAL.value:
                valid[cell] = valid.get(cell, 0) + n
        return progress(process, cells, by_status, valid)
