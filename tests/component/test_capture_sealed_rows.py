"""Capture's personal fields are sealed in PostgreSQL: the support's form, the e-mail of a
grant, the events waiting in the outbox and the auxiliaries' forms (their clave kept only as
a keyed hash); they read back whole, and rows stored before
encryption was on still read."""

import json
from dataclasses import replace

import asyncpg
import pytest

from apoyo_capture.adapters.postgres import PgCaptureRepository
from apoyo_capture.auxiliaries import Auxiliary
from apoyo_capture.ports import AuxiliaryTaken
from apoyo_common.db import migrate
from apoyo_common.messages import InvitationCreated, SupportCaptured
from tests.component.test_capture_channels_contract import FORM, GRANT, MAIL
from tests.factories import NOW, captured, citizen
from tests.sealing import raw_text, sealed_keyring

pytestmark = pytest.mark.component
PERSON = citizen(7)


async def repositories(pool: asyncpg.Pool) -> tuple[PgCaptureRepository, PgCaptureRepository]:
    await migrate(pool, "capture", "apoyo_capture")
    return PgCaptureRepository(pool), PgCaptureRepository(pool, await sealed_keyring(pool))


async def test_no_name_clave_or_email_is_stored_readable(pool: asyncpg.Pool) -> None:
    _, sealed = await repositories(pool)
    await sealed.save_support(captured("s-1", PERSON), "aux", "k1", "f1")
    await sealed.add_grant(GRANT, MAIL)
    seen = await raw_text(pool, "SELECT event FROM capture.supports")
    seen += await raw_text(pool, "SELECT payload FROM capture.outbox")
    seen += await raw_text(pool, "SELECT email FROM capture.grants")
    # Names are checked by their keys: a short one could turn up inside base64 by chance.
    for secret in ('"nombre"', PERSON.clave_elector, "persona@example.org", GRANT.email):
        assert secret not in seen
    facts = await sealed.certificate_facts("s-1")
    assert facts is not None and facts[0] == captured("s-1", PERSON)
    document = b'{"certificate":{"email":"cert@example.org"}}'
    assert await sealed.save_certificate("s-1", document) == document
    assert "cert@example.org" not in await raw_text(
        pool, "SELECT document FROM capture.certificates"
    )
    published = {i.topic: i.payload for i in await sealed.claim_outbox(10)}
    assert SupportCaptured.model_validate_json(published["support.captured"]).form.nombre == (
        PERSON.nombre
    )
    assert InvitationCreated.model_validate_json(published["invitation.created"]) == MAIL


async def test_rows_stored_before_encryption_still_read(pool: asyncpg.Pool) -> None:
    plain, sealed = await repositories(pool)
    await plain.save_support(captured("s-0", PERSON), "aux", "k0", "f0")
    await plain.add_grant(GRANT, MAIL)
    facts = await sealed.certificate_facts("s-0")
    assert facts is not None and facts[0] == captured("s-0", PERSON)
    assert await sealed.grant("g-1") == GRANT
    assert len(await sealed.claim_outbox(10)) == 2


async def test_an_auxiliary_is_stored_sealed_and_its_clave_only_hashed(pool: asyncpg.Pool) -> None:
    _, sealed = await repositories(pool)
    one = Auxiliary("x-1", "gub-son-2027", "asp-01", FORM, "asp", NOW)
    await sealed.add_auxiliary(one)
    seen = await raw_text(pool, "SELECT * FROM capture.auxiliaries")
    for secret in ('"nombre"', FORM.clave_elector, FORM.email, FORM.apellido_paterno):
        assert secret not in seen
    assert await sealed.auxiliary("x-1") == one
    [count] = await sealed.auxiliary_counts("gub-son-2027", "asp-01")
    assert count.auxiliary == one
    with pytest.raises(AuxiliaryTaken):  # the keyed hash keeps the rule
        await sealed.add_auxiliary(replace(one, auxiliary_id="x-2", aspirant_id="asp-02"))


async def test_an_auxiliary_stored_before_reads_and_still_holds_its_clave(
    pool: asyncpg.Pool,
) -> None:
    _, sealed = await repositories(pool)
    one = Auxiliary("x-0", "gub-son-2027", "asp-01", FORM, "asp", NOW)
    await pool.execute(  # as the code before the keyed hash wrote it
        "INSERT INTO capture.auxiliaries (auxiliary_id, process_id, aspirant_id, form, "
        "registered_by, registered_at, clave_elector) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        "x-0", "gub-son-2027", "asp-01", json.loads(FORM.model_dump_json()), "asp", NOW,
        FORM.clave_elector.upper(),
    )  # fmt: skip
    assert await sealed.auxiliary("x-0") == one
    with pytest.raises(AuxiliaryTaken):
        await sealed.add_auxiliary(replace(one, auxiliary_id="x-2", aspirant_id="asp-02"))
    await sealed.revoke_auxiliary("x-0", NOW)
    await sealed.add_auxiliary(replace(one, auxiliary_id="x-2", aspirant_id="asp-02"))
    added = await sealed.auxiliary("x-2")
    assert added is not None and added.form == FORM
