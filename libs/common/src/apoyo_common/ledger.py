"""PostgreSQL ledger: a service's effect row and its output, keyed by the support id."""

import json
from collections.abc import Callable, Mapping
from typing import Generic, TypeVar

import asyncpg

from apoyo_common.keyring import Keyring
from apoyo_common.keyring.documents import open_fields, seal_fields
from apoyo_common.messages import SupportEnvelope

Out = TypeVar("Out", bound=SupportEnvelope)


class PgLedger(Generic[Out]):
    """`table` has `support_id text PRIMARY KEY`, `output jsonb` and the `columns` it adds."""

    def __init__(
        self,
        pool: asyncpg.Pool,
        table: str,
        model: type[Out],
        columns: Callable[[Out], Mapping[str, object]],
        keyring: Keyring | None = None,
    ) -> None:
        self.pool, self.table, self.model, self.columns = pool, table, model, columns
        self.keyring = keyring or Keyring.off()  # personal fields sealed (docs/security.md)

    async def recorded(self, support_id: str) -> Out | None:
        row = await self.pool.fetchrow(
            f"SELECT output FROM {self.table} WHERE support_id = $1", support_id
        )
        return None if row is None else await self._opened(support_id, row["output"])

    async def _opened(self, support_id: str, stored: dict[str, object]) -> Out:
        context = f"{self.table}/{support_id}/output"
        return self.model.model_validate(await open_fields(self.keyring, context, stored))

    async def row(self, output: Out) -> dict[str, object]:
        """The output's row: the support id, the output (its personal fields sealed) and the
        `columns`."""
        context = f"{self.table}/{output.support_id}/output"
        document = json.loads(output.model_dump_json())
        return {
            "support_id": output.support_id,
            "output": await seal_fields(self.keyring, output.process_id, context, document),
            **self.columns(output),
        }

    async def record(self, output: Out) -> Out:
        values = await self.row(output)
        names = ", ".join(values)
        params = ", ".join(f"${i}" for i in range(1, len(values) + 1))
        async with self.pool.acquire() as conn, conn.transaction():
            row = await conn.fetchrow(
                f"INSERT INTO {self.table} ({names}) VALUES ({params}) "
                "ON CONFLICT (support_id) DO NOTHING RETURNING output",
                *values.values(),
            )
            if row is None:  # a redelivery or a racing replica got there first
                row = await conn.fetchrow(
                    f"SELECT output FROM {self.table} WHERE support_id = $1", output.support_id
                )
        assert row is not None
        return await self._opened(output.support_id, row["output"])

    async def count(self) -> int:
        return int(await self.pool.fetchval(f"SELECT count(*) FROM {self.table}"))
