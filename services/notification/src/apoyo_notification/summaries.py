"""The daily summary to each aspirant: supports per status, once a day after a set hour.

Counts are those notification has recorded (the latest outcome of each support). The address
of each aspirant comes from the settings (`APOYO_SUMMARY_RECIPIENTS`, `process/aspirant` ->
address): the process definition names aspirants but gives no address. An aspirant without
one gets no summary. The message id (process, aspirant, day) makes every later round of the
same day, and a restart, send nothing again.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from apoyo_common.codes import Status
from apoyo_common.processes import ProcessDefinition
from apoyo_notification import compose
from apoyo_notification.dates import ZONE
from apoyo_notification.letters import Letter
from apoyo_notification.postman import Postman


@dataclass(frozen=True)
class AspirantOf:
    process_id: str
    process_name: str
    aspirant_id: str
    name: str

    @property
    def key(self) -> str:
        return f"{self.process_id}/{self.aspirant_id}"


class Tallies(Protocol):
    async def save_process(self, process: ProcessDefinition) -> None: ...

    async def aspirants(self) -> list[AspirantOf]: ...

    async def counts(self, process_id: str, aspirant_id: str) -> dict[Status, int]: ...


def aspirants_of(process: ProcessDefinition) -> list[AspirantOf]:
    return [AspirantOf(process.id, process.name, a.id, a.name) for a in process.aspirants]


@dataclass(frozen=True)
class DailySummaries:
    tallies: Tallies
    postman: Postman
    clock: Callable[[], datetime]
    recipients: Mapping[str, str]  # "process/aspirant" -> address
    hour: int = 20  # local time (central Mexico) from which the day's summary goes out

    async def post_due(self) -> int:
        """Post today's summaries if the hour has come; how many aspirants have an address."""
        local = self.clock().astimezone(ZONE)
        if local.hour < self.hour:
            return 0
        posted = 0
        for aspirant in await self.tallies.aspirants():
            address = self.recipients.get(aspirant.key)
            if address:
                await self.postman.post(await self._letter(aspirant, address, local))
                posted += 1
        return posted

    async def _letter(self, aspirant: AspirantOf, address: str, local: datetime) -> Letter:
        counts = await self.tallies.counts(aspirant.process_id, aspirant.aspirant_id)
        process = (aspirant.process_id, aspirant.process_name)
        who = (aspirant.aspirant_id, aspirant.name)
        return compose.daily_summary(address, process, who, local.date(), counts)
