"""The ledger of decoded supports in PostgreSQL (`identity.decodings`), a batch at a time.

A batch's outputs are looked up in one statement and recorded in another, instead of a
lookup and a three-statement transaction per support. Each row is inserted only if the support
has none yet (the first output recorded wins, as `PgLedger.record`); the statement says which
rows it inserted, and the outputs of the others, recorded first by a redelivery or a racing
replica, are read back.
"""

import json
from collections.abc import Sequence
from datetime import date

from apoyo_common.ledger import PgLedger
from apoyo_common.messages import IdentityDecoded


class PgDecodings(PgLedger[IdentityDecoded]):
    async def recorded_many(self, support_ids: Sequence[str]) -> dict[str, IdentityDecoded]:
        if not support_ids:
            return {}
        rows = await self.pool.fetch(
            f"SELECT support_id, output FROM {self.table} WHERE support_id = ANY($1::text[])",
            list(support_ids),
        )
        return {r["support_id"]: await self._opened(r["support_id"], r["output"]) for r in rows}

    async def record_many(self, outputs: Sequence[IdentityDecoded]) -> list[IdentityDecoded]:
        if not outputs:
            return []
        rows = [await self.row(output) for output in outputs]
        names = ", ".join(rows[0])
        # The rows as one JSON array, taken apart by the table's own row type: one statement
        # whatever the batch's size, each column converted as an INSERT would.
        inserted = await self.pool.fetch(
            f"INSERT INTO {self.table} ({names}) SELECT {names} "
            f"FROM jsonb_populate_recordset(NULL::{self.table}, $1::text::jsonb) "
            "ON CONFLICT (support_id) DO NOTHING RETURNING support_id",
            json.dumps(rows, default=_json_value),
        )
        ours = {r["support_id"] for r in inserted}
        theirs = await self.recorded_many(
            [o.support_id for o in outputs if o.support_id not in ours]
        )
        first = {o.support_id: o for o in reversed(outputs)}  # a support twice: its first won
        return [theirs.get(o.support_id) or first[o.support_id] for o in outputs]


def _json_value(value: object) -> str:
    if isinstance(value, date):  # datetimes too: ISO 8601 with the offset, as PostgreSQL reads
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not a column value")
