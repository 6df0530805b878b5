"""The aspirants of each process and their supports per status, in PostgreSQL."""

import asyncpg

from apoyo_common.codes import Status
from apoyo_common.processes import ProcessDefinition
from apoyo_notification.summaries import AspirantOf, aspirants_of


class PgTallies:
    def __init__(self, pool: asyncpg.Pool) -> None:
        self.pool = pool

    async def save_process(self, process: ProcessDefinition) -> None:
        rows = [
            (a.process_id, a.aspirant_id, a.process_name, a.name) for a in aspirants_of(process)
        ]
        await self.pool.executemany(
            "INSERT INTO notification.aspirants (process_id, aspirant_id, process_name, name) "
            "VALUES ($1, $2, $3, $4) ON CONFLICT (process_id, aspirant_id) DO UPDATE SET "
            "process_name = EXCLUDED.process_name, name = EXCLUDED.name",
            rows,
        )

    async def aspirants(self) -> list[AspirantOf]:
        rows = await self.pool.fetch(
            "SELECT process_id, process_name, aspirant_id, name FROM notification.aspirants "
            "ORDER BY process_id, aspirant_id"
        )
        return [AspirantOf(*row) for row in rows]

    async def counts(self, process_id: str, aspirant_id: str) -> dict[Status, int]:
        rows = await self.pool.fetch(
            "SELECT status, count(*) AS n FROM notification.outcomes "
            "WHERE process_id = $1 AND output->>'aspirant_id' = $2 GROUP BY status",
            process_id, aspirant_id,
        )  # fmt: skip
        return {Status(row["status"]): int(row["n"]) for row in rows}
