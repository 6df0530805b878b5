"""Package jobs in PostgreSQL: claimed with SKIP LOCKED, fenced by the attempt number."""

from datetime import datetime

import asyncpg

from apoyo_export.ports import Job, JobStatus, Package

CLAIM = """
UPDATE export.jobs SET attempts = attempts + 1, lease_until = $2
WHERE export_id = (
    SELECT export_id FROM export.jobs
    WHERE status = 'PENDING' AND (lease_until IS NULL OR lease_until <= $1)
    ORDER BY created_at LIMIT 1 FOR UPDATE SKIP LOCKED
)
RETURNING *
"""
HELD = "WHERE export_id = $1 AND attempts = $2 AND status = 'PENDING'"


def job_of(row: asyncpg.Record) -> Job:
    package = None
    if row["package_key"] is not None:
        package = Package(
            row["supports"], row["chain_head"], row["package_key"], row["package_sha256"],
            row["package_bytes"],
        )  # fmt: skip
    return Job(
        row["export_id"], row["process_id"], row["aspirant_id"], JobStatus(row["status"]),
        row["requested_by"], row["created_at"], row["attempts"], row["finished_at"], package,
        row["error"],
    )  # fmt: skip


class PgJobs:
    def __init__(self, pool: asyncpg.Pool) -> None:
        self.pool = pool

    async def create(self, job: Job) -> None:
        await self.pool.execute(
            "INSERT INTO export.jobs (export_id, process_id, aspirant_id, status, requested_by, "
            "created_at) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (export_id) DO NOTHING",
            job.export_id, job.process_id, job.aspirant_id, job.status.value, job.requested_by,
            job.created_at,
        )  # fmt: skip

    async def get(self, export_id: str) -> Job | None:
        row = await self.pool.fetchrow("SELECT * FROM export.jobs WHERE export_id = $1", export_id)
        return None if row is None else job_of(row)

    async def latest(self, process_id: str) -> list[Job]:
        rows = await self.pool.fetch(
            "SELECT DISTINCT ON (aspirant_id) * FROM export.jobs WHERE process_id = $1 "
            "ORDER BY aspirant_id, created_at DESC, export_id DESC",
            process_id,
        )
        return [job_of(r) for r in rows]

    async def claim(self, now: datetime, until: datetime) -> Job | None:
        row = await self.pool.fetchrow(CLAIM, now, until)
        return None if row is None else job_of(row)

    async def extend(self, export_id: str, attempt: int, until: datetime) -> bool:
        done = await self.pool.execute(
            f"UPDATE export.jobs SET lease_until = $3 {HELD}", export_id, attempt, until
        )
        return str(done) == "UPDATE 1"

    async def finish(self, export_id: str, attempt: int, package: Package, now: datetime) -> bool:
        done = await self.pool.execute(
            "UPDATE export.jobs SET status = 'READY', finished_at = $3, lease_until = NULL, "
            "supports = $4, chain_head = $5, package_key = $6, package_sha256 = $7, "
            f"package_bytes = $8 {HELD}",
            export_id, attempt, now, package.supports, package.chain_head, package.key,
            package.sha256, package.bytes,
        )  # fmt: skip
        return str(done) == "UPDATE 1"

    async def release(self, export_id: str, attempt: int, at: datetime) -> None:
        await self.pool.execute(
            f"UPDATE export.jobs SET lease_until = $3 {HELD}", export_id, attempt, at
        )

    async def fail(self, export_id: str, attempt: int, error: str, now: datetime) -> None:
        await self.pool.execute(
            "UPDATE export.jobs SET status = 'FAILED', error = $3, finished_at = $4, "
            f"lease_until = NULL {HELD}",
            export_id, attempt, error, now,
        )  # fmt: skip
