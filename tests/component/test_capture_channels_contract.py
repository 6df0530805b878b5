"""The capture repository's channel side (grants, auxiliaries, certificates) against the
in-memory fake and PostgreSQL: one test body, both backends."""

import asyncio
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import timedelta

import asyncpg
import pytest

from apoyo_capture.adapters.memory import InMemoryCaptureRepository
from apoyo_capture.adapters.postgres import PgCaptureRepository
from apoyo_capture.auxiliaries import Auxiliary, AuxiliaryForm
from apoyo_capture.certificate import Submission
from apoyo_capture.grants import Grant, GrantKind, token_digest
from apoyo_capture.ports import AuxiliaryTaken, CaptureRepository, GrantSpent
from apoyo_common.db import migrate
from apoyo_common.messages import InvitationCreated
from tests.factories import NOW, captured, process
from tests.sealing import sealed_keyring

pytestmark = pytest.mark.component
GRANT = Grant(
    "g-1", GrantKind.INVITACION, "gub-son-2027", "asp-01", "ana@example.org", NOW,
    NOW + timedelta(days=3), token_sha256=token_digest("t"),
)  # fmt: skip
MAIL = InvitationCreated(
    invitation_id="g-1", process_id="gub-son-2027", aspirant_id="asp-01", aspirant_name="Uno",
    email="ana@example.org", link="https://x/i/t", expires_at=NOW + timedelta(days=3),
)  # fmt: skip
FORM = AuxiliaryForm(
    nombre="Noé", apellido_paterno="Luna", clave_elector="LNACNO90010126H100",
    email="noe@example.org", accepted_data_protection=True,
)  # fmt: skip


@pytest.fixture(params=["memory", "postgres", "postgres-sealed"])
async def repository(
    request: pytest.FixtureRequest, pool: asyncpg.Pool
) -> AsyncIterator[CaptureRepository]:
    if request.param == "memory":
        yield InMemoryCaptureRepository()
        return
    await migrate(pool, "capture", "apoyo_capture")
    sealed = request.param == "postgres-sealed"
    repo = PgCaptureRepository(pool, await sealed_keyring(pool) if sealed else None)
    await repo.save_process(process())
    yield repo


async def test_a_grant_and_its_mail_are_stored_together(repository: CaptureRepository) -> None:
    await repository.add_grant(GRANT, MAIL)
    assert await repository.grant("g-1") == GRANT
    items = [i for i in await repository.claim_outbox(10) if i.topic == "invitation.created"]
    assert [InvitationCreated.model_validate_json(i.payload) for i in items] == [MAIL]
    assert await repository.invitations("gub-son-2027", "asp-01") == [GRANT]
    assert await repository.invitations("gub-son-2027", "asp-02") == []
    await repository.mark_opened("g-1", NOW + timedelta(hours=1))
    await repository.mark_opened("g-1", NOW + timedelta(hours=2))
    opened = await repository.grant("g-1")
    assert opened is not None and opened.opened_at == NOW + timedelta(hours=1)


async def test_a_code_is_counted_and_verified_once(repository: CaptureRepository) -> None:
    code = replace(GRANT, kind=GrantKind.AUTOSERVICIO, token_sha256=None, code_hmac="h")
    await repository.add_grant(code, MAIL)
    await repository.count_attempt("g-1")
    later = NOW + timedelta(days=1)
    assert await repository.verify_email("g-1", NOW, "tok", later)
    assert not await repository.verify_email("g-1", NOW, "other", later)
    stored = await repository.grant("g-1")
    assert stored is not None and stored.attempts == 1 and stored.token_sha256 == "tok"
    assert stored.email_verified_at == NOW and stored.expires_at == later


async def test_a_grant_is_spent_by_one_support_only(repository: CaptureRepository) -> None:
    await repository.add_grant(GRANT, MAIL)
    submission = Submission("192.0.2.1", "ua", "c" * 64, "g-1")
    saves = [
        repository.save_support(
            captured(f"s-{n}"), f"p{n}", "k", "f", submission, token_digest("t")
        )
        for n in range(4)
    ]
    results = await asyncio.gather(*saves, return_exceptions=True)
    assert sum(not isinstance(r, Exception) for r in results) == 1
    assert all(isinstance(r, GrantSpent) for r in results if isinstance(r, Exception))
    spent = await repository.grant("g-1")
    assert spent is not None and spent.spent_at == NOW
    assert [await repository.support(f"s-{n}") is not None for n in range(4)].count(True) == 1
    facts = await repository.certificate_facts(str(spent.support_id))
    assert facts is not None and facts[1] == submission and facts[2] == spent


async def test_a_wrong_or_expired_token_spends_nothing(repository: CaptureRepository) -> None:
    await repository.add_grant(replace(GRANT, expires_at=NOW), MAIL)
    submission = Submission(grant_id="g-1")
    for token in ("t", "forged"):
        with pytest.raises(GrantSpent):
            await repository.save_support(
                captured("s-1"), "p", "k", "f", submission, token_digest(token)
            )
    assert await repository.support("s-1") is None


async def test_auxiliaries_serve_one_aspirant_and_are_counted(
    repository: CaptureRepository,
) -> None:
    one = Auxiliary("x-1", "gub-son-2027", "asp-01", FORM, "asp", NOW)
    await repository.add_auxiliary(one)
    assert await repository.auxiliary("x-1") == one
    with pytest.raises(AuxiliaryTaken):
        await repository.add_auxiliary(replace(one, auxiliary_id="x-2", aspirant_id="asp-02"))
    revoked = await repository.revoke_auxiliary("x-1", NOW + timedelta(hours=1))
    assert revoked is not None and revoked.status == "REVOCADO"
    await repository.add_auxiliary(replace(one, auxiliary_id="x-2", aspirant_id="asp-02"))
    await repository.save_support(
        captured("s-1").model_copy(update={"captured_by": "aux:x-1"}), "a", "k", "f"
    )
    await repository.save_support(captured("s-2"), "b", "k", "f")
    counts = await repository.auxiliary_counts("gub-son-2027", "asp-01")
    assert [(c.captured_by, c.supports, c.auxiliary is not None) for c in counts] == [
        ("aux-1", 1, False),
        ("aux:x-1", 1, True),
    ]
    assert await repository.revoke_auxiliary("nope", NOW) is None


async def test_the_first_certificate_stored_stays(repository: CaptureRepository) -> None:
    await repository.save_support(captured("s-1"), "a", "k", "f")
    assert await repository.certificate("s-1") is None
    assert await repository.save_certificate("s-1", b"first") == b"first"
    assert await repository.save_certificate("s-1", b"second") == b"first"
    facts = await repository.certificate_facts("s-1")
    assert facts is not None and facts[1] == Submission() and facts[2] is None
