from datetime import timedelta

from apoyo_common import metrics
from apoyo_common.ratelimit import TokenBuckets
from apoyo_notification import compose
from apoyo_notification.adapters.memory import MemoryMailLog, MemorySender
from apoyo_notification.ports import State
from apoyo_notification.postman import Postman
from tests.unit.notification.mail_factories import Clock, code_request, invitation, postman


def log_of(post: Postman) -> MemoryMailLog:
    assert isinstance(post.log, MemoryMailLog)
    return post.log


def sent_count() -> float:
    labels = {"kind": "invitation", "state": "SENT"}
    return metrics.REGISTRY.get_sample_value("apoyo_mail_total", labels) or 0.0


async def test_a_letter_is_recorded_then_sent_and_its_text_dropped() -> None:
    sender, before = MemorySender(), sent_count()
    post = postman(sender)
    letter = compose.invitation(invitation())
    await post.post(letter)
    assert sent_count() == before + 1
    row = log_of(post).rows[letter.message_id]
    assert row.state is State.SENT and row.attempts == 1 and row.letter is None
    assert row.domain == "example.org" and len(sender.sent) == 1


async def test_a_redelivered_event_sends_nothing() -> None:
    sender = MemorySender()
    post = postman(sender)
    for _ in range(3):
        await post.post(compose.invitation(invitation()))
    assert len(sender.sent) == 1


async def test_a_failed_send_is_retried_with_backoff_then_sent() -> None:
    clock = Clock()
    sender = MemorySender(failures=[ConnectionRefusedError("refused for a@b.mx")])
    post = postman(sender, clock)
    letter = compose.invitation(invitation())
    await post.post(letter)
    row = log_of(post).rows[letter.message_id]
    assert row.state is State.FAILED and sender.sent == []
    assert row.last_error is not None and "a@b.mx" not in row.last_error  # redacted
    assert await post.retry_due() == 0  # not due yet: 10 s of backoff
    await post.post(letter)  # a redelivery does not jump the queue either
    assert sender.sent == []
    clock.advance(10)
    assert await post.retry_due() == 1
    row = log_of(post).rows[letter.message_id]
    assert row.state is State.SENT and row.attempts == 2 and len(sender.sent) == 1


async def test_after_the_last_attempt_a_letter_is_abandoned() -> None:
    clock = Clock()
    sender = MemorySender(failures=[OSError("down")] * 3)
    post = postman(sender, clock, attempts=3)
    letter = compose.invitation(invitation())
    await post.post(letter)
    for wait in (10, 20):
        clock.advance(wait)
        assert await post.retry_due() == 1
    row = log_of(post).rows[letter.message_id]
    assert row.state is State.ABANDONED and row.attempts == 3 and row.letter is None
    assert row.last_error == "OSError: down"
    clock.advance(3600)
    assert await post.retry_due() == 0 and sender.sent == []


async def test_a_code_that_expired_while_failing_is_not_sent() -> None:
    clock = Clock()
    sender = MemorySender(failures=[OSError("down")])
    post = postman(sender, clock)
    letter = compose.email_code(code_request())  # valid 15 minutes
    await post.post(letter)
    clock.advance(3600)
    await post.retry_due()
    assert log_of(post).rows[letter.message_id].state is State.EXPIRED and sender.sent == []


async def test_a_claim_lost_in_a_crash_is_sent_again_when_its_lease_runs_out() -> None:
    clock, sender = Clock(), MemorySender()
    post = postman(sender, clock)
    letter = compose.invitation(invitation())
    await post.log.record(letter, clock())
    assert await post.log.claim(letter.message_id, clock(), clock() + timedelta(minutes=5))
    assert await post.retry_due() == 0  # another attempt holds it
    clock.advance(301)
    assert await post.retry_due() == 1 and len(sender.sent) == 1


async def test_the_domain_rate_limit_puts_letters_back_for_later() -> None:
    seconds, clock, sender = [0.0], Clock(), MemorySender()
    post = postman(sender, clock, limits=TokenBuckets(1.0, 2, lambda: seconds[0]))
    for n in range(4):
        event = invitation().model_copy(update={"invitation_id": f"i{n}"})
        await post.post(compose.invitation(event))
    assert len(sender.sent) == 2
    waiting = [r for r in log_of(post).rows.values() if r.state is State.PENDING]
    assert len(waiting) == 2 and all(r.attempts == 0 for r in waiting)
    seconds[0] = 1.0
    clock.advance(1)
    assert await post.retry_due() == 2
    assert len(sender.sent) == 3  # one token a second
