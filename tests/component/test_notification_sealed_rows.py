"""Notification's queued letters are sealed in PostgreSQL with their process's data key: the
row holds no address nor text while the letter waits, it is sent whole, letters recorded
before encryption was on still go out, and a purged process's letters are abandoned."""

from datetime import timedelta

import asyncpg
import pytest

from apoyo_common.codes import Status
from apoyo_common.db import migrate
from apoyo_notification import compose
from apoyo_notification.adapters.postgres import PgMailLog
from apoyo_notification.ports import State
from tests.factories import NOW
from tests.sealing import raw_text, sealed_keyring
from tests.unit.notification.mail_factories import code_request, invitation, outcome

pytestmark = pytest.mark.component
LEASE = timedelta(minutes=5)


async def logs(pool: asyncpg.Pool) -> tuple[PgMailLog, PgMailLog]:
    await migrate(pool, "notification", "apoyo_notification")
    return PgMailLog(pool), PgMailLog(pool, await sealed_keyring(pool))


async def test_no_address_or_text_is_stored_readable(pool: asyncpg.Pool) -> None:
    _, sealed = await logs(pool)
    summary = compose.daily_summary(
        "aspirante@example.org", ("p-1", "Gubernatura"), ("a-1", "Ana Uno"),
        NOW.date(), {Status.EN_LISTA_NOMINAL: 3},
    )  # fmt: skip
    letters = [compose.invitation(invitation("invitada@example.org")), summary]
    letters += [compose.email_code(code_request("codigo@example.org"))]
    answer = compose.outcome(outcome())
    assert answer is not None
    for letter in [*letters, answer]:
        assert await sealed.record(letter, NOW)
    seen = await raw_text(pool, "SELECT letter FROM notification.messages")
    for secret in ("@example.org", "Ana Uno", '"subject"', '"to"'):
        assert secret not in seen
    claimed = await sealed.claim_due(NOW, NOW + LEASE, 10)
    assert sorted(c.letter.message_id for c in claimed) == sorted(
        x.message_id for x in [*letters, answer]
    )
    assert {c.letter.message_id: c.letter for c in claimed}[summary.message_id] == summary


async def test_letters_recorded_before_encryption_still_go_out(pool: asyncpg.Pool) -> None:
    plain, sealed = await logs(pool)
    letter = compose.invitation(invitation())
    await plain.record(letter, NOW)
    claim = await sealed.claim(letter.message_id, NOW, NOW + LEASE)
    assert claim is not None and claim.letter == letter


async def test_a_purged_process_letter_is_abandoned(pool: asyncpg.Pool) -> None:
    _, sealed = await logs(pool)
    letter = compose.invitation(invitation())
    await sealed.record(letter, NOW)
    assert await sealed.keyring.destroy("p-1")
    assert await sealed.claim_due(NOW, NOW + LEASE, 10) == []
    assert await sealed.state(letter.message_id) is State.ABANDONED
    assert await pool.fetchval("SELECT letter FROM notification.messages") is None
