"""The institute's overview (role `ople`): every process and aspirant with its progress, its
backlog at the review desk and its sample. Export's jobs are export's: the page reads them
from export's own route (`GET /v1/exports?process_id=`)."""

from dataclasses import dataclass
from typing import Any

from apoyo_verification.book import Processes
from apoyo_verification.desk.ports import DeskStore
from apoyo_verification.desk.views import sample_json
from apoyo_verification.progress import NotFound, ProgressReader


@dataclass(frozen=True)
class Overview:
    processes: Processes
    progress: ProgressReader
    desk: DeskStore

    async def read(self, only: str | None = None) -> dict[str, Any]:
        """Every process, or only the process `only` names."""
        backlog = await self.desk.backlog()
        samples = {(s.process_id, s.aspirant_id): s for s in await self.desk.samples()}
        shown: list[dict[str, Any]] = []
        for process in await self.processes.every():
            if only is not None and process.id != only:
                continue
            aspirants = []
            for aspirant in process.aspirants:
                key = (process.id, aspirant.id)
                sample = samples.get(key)
                aspirants.append(
                    {
                        "aspirant_id": aspirant.id,
                        "name": aspirant.name,
                        "progress": await self._progress(*key),
                        "backlog": backlog.get(key, 0),
                        "sample": None if sample is None else sample_json(sample),
                    }
                )
            head: dict[str, Any] = {
                "process_id": process.id,
                "name": process.name,
                "cut": process.cut.isoformat(),
            }
            shown.append(head | {"office": process.office.value, "aspirants": aspirants})
        return {"processes": shown}

    async def _progress(self, process_id: str, aspirant_id: str) -> dict[str, object] | None:
        try:
            return (await self.progress.read(process_id, aspirant_id)).as_json()
        except NotFound:
            return None  # the cut is not loaded: nothing to measure against yet
