"""In-memory records, processes and jobs: the fakes of unit and component tests."""

from collections.abc import AsyncGenerator, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime

from apoyo_common.messages import ProcessCells, SupportCaptured, SupportExported, SupportNotified
from apoyo_common.processes import ProcessDefinition
from apoyo_export.ports import Job, JobStatus, Package
from apoyo_export.records import Evidence, Support, form_of


@dataclass
class MemoryRecords:
    outcomes: dict[str, tuple[SupportNotified, SupportExported]] = field(default_factory=dict)
    forms: dict[str, SupportCaptured] = field(default_factory=dict)

    async def keep(self, notified: SupportNotified, exported: SupportExported) -> SupportExported:
        kept = self.outcomes.get(notified.support_id)
        if kept is None or kept[0].notified_at < notified.notified_at:
            self.outcomes[notified.support_id] = kept = (notified, exported)
        return kept[1]

    async def keep_many(
        self, outcomes: Sequence[tuple[SupportNotified, SupportExported]]
    ) -> list[SupportExported]:
        return [await self.keep(notified, exported) for notified, exported in outcomes]

    async def captured(self, event: SupportCaptured) -> None:
        self.forms.setdefault(event.support_id, event)

    async def captured_many(self, events: Sequence[SupportCaptured]) -> None:
        for event in events:
            await self.captured(event)

    async def supports(self, process_id: str, aspirant_id: str) -> AsyncGenerator[Support, None]:
        chosen = [
            notified
            for notified, _ in self.outcomes.values()
            if (notified.process_id, notified.aspirant_id) == (process_id, aspirant_id)
        ]
        for notified in sorted(chosen, key=lambda n: (n.received_at, n.support_id)):
            yield self._support(notified)

    def _support(self, notified: SupportNotified) -> Support:
        captured = self.forms.get(notified.support_id)
        evidence = () if captured is None else tuple(
            Evidence(e.kind.value, e.object_key, e.sha256, e.bytes, e.content_type)
            for e in captured.evidence
        )  # fmt: skip
        return Support(
            notified.support_id, notified.process_id, notified.aspirant_id,
            notified.channel.value, notified.received_at, notified.status.value,
            tuple(notified.reasons), form_of(captured), evidence,
            None if notified.registry is None else notified.registry.model_dump(),
            None if captured is None else captured.certificate_bytes,
        )  # fmt: skip


@dataclass
class MemoryProcesses:
    known: dict[str, ProcessDefinition] = field(default_factory=dict)
    territories: dict[tuple[str, date], ProcessCells] = field(default_factory=dict)

    async def save_cells(self, cells: ProcessCells) -> None:
        kept = self.territories.get((cells.process_id, cells.cut))
        if kept is None or kept.computed_at < cells.computed_at:
            self.territories[cells.process_id, cells.cut] = cells

    async def cells(self, process_id: str, cut: date) -> ProcessCells | None:
        return self.territories.get((process_id, cut))

    async def save(self, process: ProcessDefinition) -> None:
        self.known[process.id] = process

    async def get(self, process_id: str) -> ProcessDefinition | None:
        return self.known.get(process_id)


@dataclass
class MemoryJobs:
    jobs: dict[str, Job] = field(default_factory=dict)
    leases: dict[str, datetime] = field(default_factory=dict)

    async def create(self, job: Job) -> None:
        self.jobs.setdefault(job.export_id, job)

    async def get(self, export_id: str) -> Job | None:
        return self.jobs.get(export_id)

    async def latest(self, process_id: str) -> list[Job]:
        newest: dict[str, Job] = {}
        for job in self.jobs.values():
            seen = newest.get(job.aspirant_id)
            if job.process_id == process_id and (
                seen is None or (job.created_at, job.export_id) > (seen.created_at, seen.export_id)
            ):
                newest[job.aspirant_id] = job
        return [newest[a] for a in sorted(newest)]

    async def claim(self, now: datetime, until: datetime) -> Job | None:
        due = [
            job
            for job in self.jobs.values()
            if job.status is JobStatus.PENDING and self.leases.get(job.export_id, now) <= now
        ]
        if not due:
            return None
        job = min(due, key=lambda j: j.created_at)
        self.jobs[job.export_id] = job = replace(job, attempts=job.attempts + 1)
        self.leases[job.export_id] = until
        return job

    def _holds(self, export_id: str, attempt: int) -> bool:
        job = self.jobs.get(export_id)
        return job is not None and job.status is JobStatus.PENDING and job.attempts == attempt

    async def extend(self, export_id: str, attempt: int, until: datetime) -> bool:
        if self._holds(export_id, attempt):
            self.leases[export_id] = until
            return True
        return False

    async def finish(self, export_id: str, attempt: int, package: Package, now: datetime) -> bool:
        if not self._holds(export_id, attempt):
            return False
        job = self.jobs[export_id]
        self.jobs[export_id] = replace(
            job, status=JobStatus.READY, package=package, finished_at=now
        )
        return True

    async def release(self, export_id: str, attempt: int, at: datetime) -> None:
        if self._holds(export_id, attempt):
            self.leases[export_id] = at

    async def fail(self, export_id: str, attempt: int, error: str, now: datetime) -> None:
        if self._holds(export_id, attempt):
            job = self.jobs[export_id]
            self.jobs[export_id] = replace(
                job, status=JobStatus.FAILED, error=error, finished_at=now
            )
