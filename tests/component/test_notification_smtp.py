"""Letters through a real SMTP server on loopback, with the delivery log in PostgreSQL:
what arrives, and what a crash or a refusing server does to it."""

from collections.abc import AsyncIterator, Iterator

import asyncpg
import pytest

from apoyo_common.db import migrate
from apoyo_common.ratelimit import TokenBuckets
from apoyo_notification import compose
from apoyo_notification.adapters.postgres import PgMailLog
from apoyo_notification.adapters.smtp import SmtpSender
from apoyo_notification.ports import State
from apoyo_notification.postman import Backoff, Postman
from tests.component.loopback_smtp import Inbox, free_port, smtp_server
from tests.unit.notification.mail_factories import FROM, Clock, invitation, outcome

pytestmark = pytest.mark.component


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, int]]:
    with smtp_server() as running:
        yield running


@pytest.fixture
async def log(pool: asyncpg.Pool) -> AsyncIterator[PgMailLog]:
    await migrate(pool, "notification", "apoyo_notification")
    yield PgMailLog(pool)


def postman(log: PgMailLog, port: int, clock: Clock) -> Postman:
    """A fresh postman: what a restarted process has (nothing but the database)."""
    limits = TokenBuckets(0.0, 1, lambda: 0.0)
    backoff = Backoff(attempts=3, base_s=10.0, lease_s=60.0)
    return Postman(log, SmtpSender("127.0.0.1", port, timeout_s=5), limits, clock, FROM, backoff)


async def test_what_arrives_has_the_subject_both_parts_and_the_message_id(
    smtp: tuple[Inbox, int], log: PgMailLog
) -> None:
    inbox, port = smtp
    letter = compose.outcome(outcome(reasons=("CIC", "NOMBRE")))
    assert letter is not None
    await postman(log, port, Clock()).post(letter)
    (message,) = inbox.messages
    assert message["Subject"] == "Resultado de tu apoyo ciudadano"
    assert message["Message-ID"] == f"<{letter.message_id}@ople.example.mx>"
    assert message["To"] == "persona@example.org" and message.get_content_type() == (
        "multipart/alternative"
    )
    text, html = message.get_body(("plain",)), message.get_body(("html",))
    assert text is not None and "- el CIC de la credencial no coincide" in text.get_content()
    assert html is not None and "<li>el nombre no coincide</li>" in html.get_content()
    assert await log.state(letter.message_id) is State.SENT


async def test_a_crash_between_send_and_acknowledgement_sends_nothing_again(
    smtp: tuple[Inbox, int], log: PgMailLog
) -> None:
    inbox, port = smtp
    clock, letter = Clock(), compose.invitation(invitation())
    await postman(log, port, clock).post(letter)  # sent and SENT; the offset never committed
    for _ in range(2):  # the process restarts and the event is delivered again
        restarted = postman(log, port, clock)
        await restarted.post(compose.invitation(invitation()))
        clock.advance(3600)
        assert await restarted.retry_due() == 0
    assert len(inbox.messages) == 1


async def test_a_refusing_server_gets_the_letter_once_when_it_comes_back(
    smtp: tuple[Inbox, int], log: PgMailLog
) -> None:
    inbox, port = smtp
    inbox.refuse = 1
    clock, letter = Clock(), compose.invitation(invitation())
    await postman(log, port, clock).post(letter)
    assert inbox.messages == [] and await log.state(letter.message_id) is State.FAILED
    clock.advance(5)
    await postman(log, port, clock).post(letter)  # a redelivery meanwhile: still waiting
    assert inbox.messages == []
    clock.advance(5)
    assert await postman(log, port, clock).retry_due() == 1
    assert len(inbox.messages) == 1 and await log.state(letter.message_id) is State.SENT


class CrashAfterSend(PgMailLog):
    """The process dies after the server accepted the letter, before SENT is recorded."""

    async def settle(self, message_id: str, state: State, now: object) -> None:
        raise SystemExit("crash")


async def test_a_crash_before_sent_is_recorded_resends_under_the_same_message_id(
    smtp: tuple[Inbox, int], log: PgMailLog
) -> None:
    inbox, port = smtp
    clock, letter = Clock(), compose.invitation(invitation())
    crashing = postman(CrashAfterSend(log.pool), port, clock)
    with pytest.raises(SystemExit):
        await crashing.post(letter)
    restarted = postman(log, port, clock)
    assert await restarted.retry_due() == 0  # the lost attempt's lease still holds
    clock.advance(61)
    assert await restarted.retry_due() == 1
    first, second = inbox.messages  # the window the log cannot close (docs/notification.md)
    assert first["Message-ID"] == second["Message-ID"] == f"<{letter.message_id}@ople.example.mx>"
    assert await log.state(letter.message_id) is State.SENT


async def test_an_unreachable_server_is_a_failed_attempt(log: PgMailLog) -> None:
    clock, letter = Clock(), compose.invitation(invitation())
    await postman(log, free_port(), clock).post(letter)
    assert await log.state(letter.message_id) is State.FAILED
    row = await log.pool.fetchrow(
        "SELECT attempts, last_error, letter IS NOT NULL AS kept, recipient_domain "
        "FROM notification.messages"
    )
    assert row is not None and row["attempts"] == 1 and row["kept"]
    assert row["recipient_domain"] == "example.org" and row["last_error"]
