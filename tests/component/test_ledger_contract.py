"""The same ledger contract against the in-memory fake and PostgreSQL."""

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta

import asyncpg
import pytest

from apoyo_common.db import migrate
from apoyo_common.ledger import PgLedger
from apoyo_common.messages import IdentityDecoded
from apoyo_common.stage import InMemoryLedger, Ledger
from apoyo_identity.bootstrap import columns
from tests.factories import NOW, captured, identity_decoded
from tests.sealing import raw_text, sealed_keyring

pytestmark = pytest.mark.component


@pytest.fixture(params=["memory", "postgres", "postgres-sealed"])
async def ledger(
    request: pytest.FixtureRequest, pool: asyncpg.Pool
) -> AsyncIterator[Ledger[IdentityDecoded]]:
    if request.param == "memory":
        yield InMemoryLedger()
        return
    await migrate(pool, "identity", "apoyo_identity")
    keyring = await sealed_keyring(pool) if request.param == "postgres-sealed" else None
    yield PgLedger(pool, "identity.decodings", IdentityDecoded, columns, keyring)


def decoded(support_id: str, minutes: int = 0) -> IdentityDecoded:
    return identity_decoded(captured(support_id), now=NOW + timedelta(minutes=minutes))


async def test_first_record_wins_and_is_returned(ledger: Ledger[IdentityDecoded]) -> None:
    assert await ledger.recorded("s-1") is None
    first = await ledger.record(decoded("s-1"))
    again = await ledger.record(decoded("s-1", minutes=5))
    assert again == first and await ledger.recorded("s-1") == first


async def test_concurrent_records_agree_on_one_output(ledger: Ledger[IdentityDecoded]) -> None:
    outputs = await asyncio.gather(*(ledger.record(decoded("s-2", m)) for m in range(6)))
    assert len({o.decoded_at for o in outputs}) == 1


async def test_outputs_round_trip_exactly(ledger: Ledger[IdentityDecoded]) -> None:
    value = replace_flags(decoded("s-3"))
    assert await ledger.record(value) == value


def replace_flags(value: IdentityDecoded) -> IdentityDecoded:
    return value.model_copy(update={"flags": ("EVIDENCE_HASH_MISMATCH",)})


async def test_the_decoded_identity_is_stored_sealed(pool: asyncpg.Pool) -> None:
    await migrate(pool, "identity", "apoyo_identity")
    ledger = PgLedger(
        pool, "identity.decodings", IdentityDecoded, columns, await sealed_keyring(pool)
    )
    value = decoded("s-9")
    assert await ledger.record(value) == value and await ledger.recorded("s-9") == value
    seen = await raw_text(pool, "SELECT output FROM identity.decodings")
    assert value.form.clave_elector and value.form.email
    for plain in (value.form.clave_elector, value.form.email, '"nombre"', '"apellido_paterno"'):
        assert plain not in seen  # names are checked by their keys: short ones hide in base64
    assert "credential_front" in seen  # evidence references stay queryable
