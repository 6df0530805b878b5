"""The institute's overview (role `ople`): every process and aspirant with its progress, its
backlog at the review desk and its sample. Export's jobs are export's: the page reads them
from export's own route (`GET /v1/exports?process_id=`)."""

import asyncio
from dataclasses import dataclass
from typing import Any

from apoyo_common.processes import ProcessDefinition
from apoyo_verification.book import Processes
from apoyo_verification.desk.ports import DeskStore, Sample
from apoyo_verification.desk.views import sample_json
from apoyo_verification.progress import NotFound, ProgressReader


@dataclass(frozen=True)
class Overview:
    processes: Processes
    progress: ProgressReader
    desk: DeskStore

    async def read(self, only: str | None = None) -> dict[str, Any]:
        """Every process, or only the process `only` names. The reads are independent, so they
        run concurrently (each on its own pool connection) rather than one after another."""
        backlog, sampled, every = await asyncio.gather(
            self.desk.backlog(), self.desk.samples(), self.processes.every()
        )
        samples = {(s.process_id, s.aspirant_id): s for s in sampled}
        processes = [p for p in every if only is None or p.id == only]
        keys = [(p.id, a.id) for p in processes for a in p.aspirants]
        read = await asyncio.gather(*(self._progress(*k) for k in keys))
        progress = dict(zip(keys, read, strict=True))
        return {"processes": [_process(p, progress, backlog, samples) for p in processes]}

    async def _progress(self, process_id: str, aspirant_id: str) -> dict[str, object] | None:
        try:
            return (await self.progress.read(process_id, aspirant_id)).as_json()
        except NotFound:
            return None  # the cut is not loaded: nothing to measure against yet


def _process(
    process: ProcessDefinition,
    progress: dict[tuple[str, str], dict[str, object] | None],
    backlog: dict[tuple[str, str], int],
    samples: dict[tuple[str, str], Sample],
) -> dict[str, Any]:
    aspirants = []
    for aspirant in process.aspirants:
        key = (process.id, aspirant.id)
        sample = samples.get(key)
        aspirants.append(
            {
                "aspirant_id": aspirant.id,
                "name": aspirant.name,
                "progress": progress[key],
                "backlog": backlog.get(key, 0),
                "sample": None if sample is None else sample_json(sample),
            }
        )
    head = {"process_id": process.id, "name": process.name, "cut": process.cut.isoformat()}
    return head | {"office": process.office.value, "aspirants": aspirants}
