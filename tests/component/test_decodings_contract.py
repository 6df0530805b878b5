"""Identity's ledger a batch at a time, against the in-memory fake and PostgreSQL (sealed too):
one output per support whoever records it, and the same rows as one at a time."""

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta

import asyncpg
import pytest

from apoyo_common.db import migrate
from apoyo_common.messages import IdentityDecoded
from apoyo_identity.adapters.decodings import PgDecodings
from apoyo_identity.adapters.memory import InMemoryDecodings
from apoyo_identity.bootstrap import columns
from apoyo_identity.ports import Decodings
from tests.factories import NOW, captured, identity_decoded
from tests.sealing import raw_text, sealed_keyring

pytestmark = pytest.mark.component


@pytest.fixture(params=["memory", "postgres", "postgres-sealed"])
async def ledger(request: pytest.FixtureRequest, pool: asyncpg.Pool) -> AsyncIterator[Decodings]:
    if request.param == "memory":
        yield InMemoryDecodings()
        return
    await migrate(pool, "identity", "apoyo_identity")
    keyring = await sealed_keyring(pool) if request.param == "postgres-sealed" else None
    yield PgDecodings(pool, "identity.decodings", IdentityDecoded, columns, keyring)


def decoded(support_id: str, minutes: int = 0) -> IdentityDecoded:
    value = identity_decoded(captured(support_id), now=NOW + timedelta(minutes=minutes))
    return value.model_copy(update={"flags": ("REUSED_IMAGE", "NO_MRZ")})


async def test_a_batch_keeps_what_was_recorded_first(ledger: Decodings) -> None:
    first = await ledger.record(decoded("s-1"))
    batch = [decoded("s-1", minutes=5), decoded("s-2", minutes=5), decoded("s-2", minutes=9)]
    stored = await ledger.record_many(batch)
    assert stored == [first, batch[1], batch[1]]
    assert await ledger.recorded_many(["s-1", "s-2", "s-3"]) == {"s-1": first, "s-2": batch[1]}
    assert await ledger.recorded("s-2") == batch[1]
    assert await ledger.record_many([]) == [] and await ledger.recorded_many([]) == {}


async def test_concurrent_batches_agree_on_one_output_each(ledger: Decodings) -> None:
    ids = [f"s-{n}" for n in range(6)]
    batches = [[decoded(s, minutes) for s in ids[minutes % 3 :]] for minutes in range(5)]
    results = await asyncio.gather(*(ledger.record_many(batch) for batch in batches))
    for support_id in ids:
        seen = {o.decoded_at for stored in results for o in stored if o.support_id == support_id}
        assert len(seen) == 1
    assert len(await ledger.recorded_many(ids)) == len(ids)


async def test_a_batchs_rows_are_those_recorded_one_at_a_time(pool: asyncpg.Pool) -> None:
    await migrate(pool, "identity", "apoyo_identity")
    keyring = await sealed_keyring(pool)
    ledger = PgDecodings(pool, "identity.decodings", IdentityDecoded, columns, keyring)
    one, many = decoded("s-1"), decoded("s-2")
    assert await ledger.record(one) == one and await ledger.record_many([many]) == [many]
    rows = await pool.fetch(
        "SELECT process_id, citizen_key, images, image_bytes, flags, decoded_at "
        "FROM identity.decodings ORDER BY support_id"
    )
    assert [dict(r) for r in rows] == [dict(rows[0])] * 2
    assert rows[0]["flags"] == ["REUSED_IMAGE", "NO_MRZ"] and rows[0]["decoded_at"] == NOW
    seen = await raw_text(pool, "SELECT output FROM identity.decodings")
    assert many.form.clave_elector and many.form.clave_elector not in seen
