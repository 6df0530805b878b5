"""Verification's personal fields are sealed in PostgreSQL: the typed form of `decoded` and the
e-mail of `output` and of the queued `support.verified`; the desk, re-verification and the
citizen's inquiry read them back whole, and the hearing's queries still see the evidence."""

import asyncpg
import pytest

from apoyo_common.db import migrate
from apoyo_common.messages import SupportVerified
from apoyo_common.outbox import PgOutbox
from apoyo_verification.adapters.book_postgres import OUTBOX, PgProcesses, PgSupportBook
from apoyo_verification.adapters.desk_store_postgres import PgDeskStore
from apoyo_verification.adapters.inquiry_postgres import PgInquiryBook
from apoyo_verification.adapters.postgres import PgVoterRoll
from apoyo_verification.service import Verifier
from tests.component.test_verification_duplicates import PERSON_SECRET, load, ticking
from tests.sealing import raw_text, sealed_keyring
from tests.unit.verification.cases import PROCESS, decoded, form, person

pytestmark = pytest.mark.component
EMAIL = "ciudadana.sellada@example.org"


async def test_the_form_and_the_address_are_sealed_and_read_back(pool: asyncpg.Pool) -> None:
    await migrate(pool, "verification", "apoyo_verification")
    await load(PgVoterRoll(pool))
    await PgProcesses(pool).save(PROCESS)
    keyring = await sealed_keyring(pool)
    who = person(0)
    book = PgSupportBook(pool, keyring)
    verifier = Verifier(PgVoterRoll(pool), PgProcesses(pool), book, ticking(), PERSON_SECRET)
    support = decoded(who, support_id="s-1", typed=form(who, email=EMAIL))
    await verifier.verify(support)

    seen = await raw_text(pool, "SELECT output, decoded FROM verification.supports")
    seen += await raw_text(pool, f"SELECT payload FROM {OUTBOX}")
    for plain in (EMAIL, who.clave_elector, '"nombre"'):
        assert plain not in seen
    assert "credential_front" in seen  # the hearing's evidence query reads it

    assert (await PgDeskStore(pool, keyring).inputs(["s-1"]))["s-1"] == support
    [registered] = await PgInquiryBook(pool, keyring).registered(
        [(PROCESS.id, support.citizen_key)]
    )
    assert registered.email == EMAIL
    [item] = await PgOutbox(pool, OUTBOX, keyring).claim_outbox(10)
    assert SupportVerified.model_validate_json(item.payload).email == EMAIL
