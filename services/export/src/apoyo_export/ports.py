"""The export service's ports: the records it keeps and the jobs that build packages."""

from collections.abc import AsyncGenerator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Protocol

from apoyo_common.messages import ProcessCells, SupportCaptured, SupportExported, SupportNotified
from apoyo_common.processes import ProcessDefinition
from apoyo_export.records import Support


class JobStatus(StrEnum):
    PENDING = "PENDING"  # waiting, or being built (a lease is held)
    READY = "READY"
    FAILED = "FAILED"


@dataclass(frozen=True)
class Package:
    supports: int
    chain_head: str
    key: str
    sha256: str
    bytes: int


@dataclass(frozen=True)
class Job:
    export_id: str
    process_id: str
    aspirant_id: str
    status: JobStatus
    requested_by: str
    created_at: datetime
    attempts: int = 0
    finished_at: datetime | None = None
    package: Package | None = None
    error: str | None = None


class Records(Protocol):
    async def keep(self, notified: SupportNotified, exported: SupportExported) -> SupportExported:
        """Keep the outcome unless a later one (by `notified_at`) is kept; the export event of
        the outcome kept, so a redelivery or an older revision republishes the same."""
        ...

    async def keep_many(
        self, outcomes: Sequence[tuple[SupportNotified, SupportExported]]
    ) -> list[SupportExported]:
        """Each kept as `keep` keeps it, in order, together (one transaction): what `keep`
        would have returned for each."""
        ...

    async def captured(self, event: SupportCaptured) -> None:
        """Remember the form and the evidence references once."""
        ...

    async def captured_many(self, events: Sequence[SupportCaptured]) -> None:
        """Each remembered as `captured` remembers it, together."""
        ...

    def supports(self, process_id: str, aspirant_id: str) -> AsyncGenerator[Support, None]:
        """The aspirant's supports in reception order, from one consistent snapshot."""
        ...


class Processes(Protocol):
    async def save(self, process: ProcessDefinition) -> None: ...

    async def get(self, process_id: str) -> ProcessDefinition | None: ...

    async def save_cells(self, cells: ProcessCells) -> None:
        """Keep a process's cells at a cut unless a newer announcement of them is kept."""
        ...

    async def cells(self, process_id: str, cut: date) -> ProcessCells | None: ...


class Jobs(Protocol):
    async def create(self, job: Job) -> None: ...

    async def get(self, export_id: str) -> Job | None: ...

    async def latest(self, process_id: str) -> list[Job]:
        """The newest job of each aspirant of the process, by aspirant id."""
        ...

    async def claim(self, now: datetime, until: datetime) -> Job | None:
        """The oldest PENDING job whose lease is free, leased until `until`, attempts + 1."""
        ...

    async def extend(self, export_id: str, attempt: int, until: datetime) -> bool: ...

    async def finish(self, export_id: str, attempt: int, package: Package, now: datetime) -> bool:
        """READY with its package, only if `attempt` still holds the job."""
        ...

    async def release(self, export_id: str, attempt: int, at: datetime) -> None:
        """Back to waiting until `at` (a failure that may pass)."""
        ...

    async def fail(self, export_id: str, attempt: int, error: str, now: datetime) -> None: ...
