"""The service layer of export: request a package, and build the jobs one at a time.

A job survives a crash: it is leased while built (the lease renewed as it goes), and a job
whose worker died is claimed again once the lease runs out and built from the start. Only
the holder of the latest attempt may mark it READY, with the key and sha256 of the package it
uploaded; a package is never READY half-written because it is uploaded whole, then recorded.
"""

import asyncio
import contextlib
import hashlib
import tempfile
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import BinaryIO

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from apoyo_common.delivery import describe
from apoyo_common.logs import get_logger
from apoyo_common.storage import ObjectNotFound, ObjectStore
from apoyo_export.manifest import PackageMeta
from apoyo_export.package import EvidenceMismatch, write_package
from apoyo_export.ports import Job, Jobs, JobStatus, Package, Processes, Records
from apoyo_export.summary import basis

log = get_logger(__name__)


class UnknownTarget(LookupError):
    """The process, or the aspirant in it, is not known to export."""

    def __init__(self, code: str, detail: str) -> None:
        super().__init__(detail)
        self.code, self.detail = code, detail


class HashingWriter:
    def __init__(self, out: BinaryIO) -> None:
        self.out, self.digest, self.bytes = out, hashlib.sha256(), 0

    def write(self, data: bytes | bytearray) -> int:
        self.digest.update(data)
        self.bytes += len(data)
        return self.out.write(data)


def package_key(job: Job) -> str:
    """One key per attempt: a worker that lost its lease never overwrites the recorded one."""
    return f"exports/{job.process_id}/{job.aspirant_id}/{job.export_id}-{job.attempts}.zip"


@dataclass
class Exporter:
    jobs: Jobs
    records: Records
    processes: Processes
    store: ObjectStore
    key: Ed25519PrivateKey
    clock: Callable[[], datetime]
    lease: timedelta = timedelta(seconds=60)
    max_attempts: int = 3
    workdir: Path | None = None

    async def request(self, process_id: str, aspirant_id: str, requested_by: str) -> Job:
        process = await self.processes.get(process_id)
        if process is None:
            raise UnknownTarget("unknown_process", "el proceso no existe")
        if not process.has_aspirant(aspirant_id):
            raise UnknownTarget("unknown_aspirant", "el aspirante no pertenece al proceso")
        now = self.clock()
        job = Job(str(uuid.uuid4()), process_id, aspirant_id, JobStatus.PENDING, requested_by, now)
        await self.jobs.create(job)
        return job

    async def run_once(self) -> bool:
        """Build one due job; False when none is due."""
        now = self.clock()
        job = await self.jobs.claim(now, now + self.lease)
        if job is None:
            return False
        if job.attempts > self.max_attempts:
            await self.jobs.fail(job.export_id, job.attempts, "se agotaron los intentos", now)
            return True
        try:
            package = await self._leased(job)
        except (EvidenceMismatch, ObjectNotFound) as lost:
            detail = f"evidencia faltante o distinta de la capturada: {lost}"
            await self.jobs.fail(job.export_id, job.attempts, detail, self.clock())
        except Exception as error:
            await self._retry_or_fail(job, error)
        else:
            if not await self.jobs.finish(job.export_id, job.attempts, package, self.clock()):
                await self.store.delete(package.key)  # another worker holds the job now
        return True

    async def _retry_or_fail(self, job: Job, error: Exception) -> None:
        log.warning("export_build_failed", export_id=job.export_id, error=describe(error))
        now = self.clock()
        if job.attempts >= self.max_attempts:
            await self.jobs.fail(job.export_id, job.attempts, describe(error), now)
        else:
            await self.jobs.release(
                job.export_id, job.attempts, now + job.attempts * self.lease / 4
            )

    async def _leased(self, job: Job) -> Package:
        async def renew() -> None:
            while True:
                await asyncio.sleep(self.lease.total_seconds() / 3)
                await self.jobs.extend(job.export_id, job.attempts, self.clock() + self.lease)

        renewing = asyncio.create_task(renew())
        try:
            return await self.build(job)
        finally:
            renewing.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await renewing

    async def build(self, job: Job) -> Package:
        """Raises CellsMissing until verification's `process.cells` of the process's cut is
        kept: the job waits like any failure that may pass, then fails saying so."""
        process = await self.processes.get(job.process_id)
        cells = None if process is None else await self.processes.cells(process.id, process.cut)
        figures = basis(process, cells)
        cut = figures.process.cut.isoformat()
        meta = PackageMeta(job.export_id, job.process_id, job.aspirant_id, cut, self.clock())
        with self._scratch() as path:
            with path.open("wb") as handle:
                out = HashingWriter(handle)
                supports = self.records.supports(job.process_id, job.aspirant_id)
                async with contextlib.aclosing(supports):
                    built = await write_package(
                        out, meta, supports, self.store.get, self.key, figures
                    )
            key = package_key(job)
            await self.store.put_file(key, path, "application/zip")
        return Package(built.supports, built.chain_head, key, out.digest.hexdigest(), out.bytes)

    @contextlib.contextmanager
    def _scratch(self) -> Iterator[Path]:
        with tempfile.TemporaryDirectory(prefix="apoyo-export-", dir=self.workdir) as folder:
            yield Path(folder) / "package.zip"

    async def run_forever(self, poll_s: float = 1.0) -> None:
        while True:
            try:
                busy = await self.run_once()
            except Exception as error:  # the database away for a moment: try again
                log.warning("export_jobs_failed", error=describe(error))
                busy = False
            if not busy:
                await asyncio.sleep(poll_s)
