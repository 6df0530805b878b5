import pytest

from apoyo_common.delivery import Delivery, RetryPolicy
from apoyo_common.messages import DeadLetter, SupportCaptured
from apoyo_common.publishing import RecordingPublisher
from tests.factories import captured

FAST = RetryPolicy(attempts=3, base_delay_s=0)


def delivery(publisher: RecordingPublisher) -> Delivery:
    return Delivery("identity", "support.captured", FAST, publisher)


async def test_a_transient_failure_is_retried_then_succeeds() -> None:
    publisher, calls = RecordingPublisher(), []

    async def flaky(raw: bytes) -> None:
        calls.append(raw)
        if len(calls) < 3:
            raise ConnectionError("db away")

    await delivery(publisher).run(b"m", b"k", flaky)
    assert len(calls) == 3 and publisher.sent == []


async def test_a_persistent_failure_is_parked_with_its_reason() -> None:
    publisher = RecordingPublisher()

    async def broken(raw: bytes) -> None:
        raise RuntimeError("storage answered 500")

    await delivery(publisher).run(b"payload", b"k", broken)
    [(topic, key, letter)] = publisher.sent
    assert topic == "support.captured.dead-letter" and key == b"k"
    assert isinstance(letter, DeadLetter)
    assert letter.reason == "RuntimeError: storage answered 500" and letter.attempts == 3
    assert letter.payload == "payload" and letter.service == "identity"


async def test_an_unparseable_message_is_parked_at_once_without_its_data() -> None:
    publisher, calls = RecordingPublisher(), []
    event = captured()
    broken = event.model_dump_json().replace('"consent":true', '"consent":"maybe"').encode()

    async def handle(raw: bytes) -> None:
        calls.append(raw)
        SupportCaptured.model_validate_json(raw)

    await delivery(publisher).run(broken, b"k", handle)
    [letter] = publisher.on("support.captured.dead-letter")
    assert isinstance(letter, DeadLetter)
    assert len(calls) == 1 and letter.reason.startswith("ValidationError(form.consent")
    assert event.form.clave_elector is not None
    assert event.form.clave_elector not in letter.reason


async def test_when_the_dead_letter_topic_is_unreachable_the_error_escapes() -> None:
    publisher = RecordingPublisher(failures_left=1)

    async def broken(raw: bytes) -> None:
        raise RuntimeError("x")

    with pytest.raises(ConnectionError):  # the consumer then seeks back: nothing is lost
        await delivery(publisher).run(b"m", b"k", broken)


def test_backoff_grows_and_is_capped() -> None:
    policy = RetryPolicy(attempts=10, base_delay_s=0.5, max_delay_s=3)
    assert [policy.delay(n) for n in (1, 2, 3, 4)] == [0.5, 1.0, 2.0, 3.0]


async def test_a_batch_is_handled_in_one_call_when_it_can_be() -> None:
    publisher, batches = RecordingPublisher(), list[list[bytes]]()

    async def many(raws: list[bytes]) -> None:
        batches.append(raws)

    async def one(raw: bytes) -> None:
        raise AssertionError("not called when the batch succeeds")

    await delivery(publisher).run_batch([(b"a", b"k"), (b"b", b"k")], many, one)
    assert batches == [[b"a", b"b"]] and publisher.sent == []


async def test_a_failed_batch_is_delivered_message_by_message_and_only_the_poison_is_parked() -> (
    None
):
    publisher, done = RecordingPublisher(), list[bytes]()

    async def many(raws: list[bytes]) -> None:
        raise RuntimeError("one of them is poison")

    async def one(raw: bytes) -> None:
        if raw == b"poison":
            raise RuntimeError("poison")
        done.append(raw)

    messages = [(b"a", b"k1"), (b"poison", b"k2"), (b"c", b"k3")]
    await delivery(publisher).run_batch(messages, many, one)
    assert done == [b"a", b"c"]
    [(_, key, letter)] = publisher.sent
    assert key == b"k2" and isinstance(letter, DeadLetter) and letter.payload == "poison"


async def test_an_outage_spends_no_attempt_and_the_message_waits_until_it_is_over() -> None:
    publisher, calls = RecordingPublisher(), []

    async def store_down_for_a_while(raw: bytes) -> None:
        calls.append(raw)
        if len(calls) <= 10:  # many more failures than the policy's three attempts
            raise ConnectionRefusedError("object store away")

    await delivery(publisher).run(b"m", b"k", store_down_for_a_while)
    assert len(calls) == 11 and publisher.sent == []


async def test_attempts_spent_on_the_message_still_count_between_outages() -> None:
    publisher, calls = RecordingPublisher(), []

    async def bad_then_away(raw: bytes) -> None:
        calls.append(raw)
        raise ConnectionResetError("away") if len(calls) % 2 else ValueError("bad image")

    await delivery(publisher).run(b"m", b"k", bad_then_away)
    [letter] = publisher.on("support.captured.dead-letter")
    assert isinstance(letter, DeadLetter)
    assert letter.attempts == 3 and letter.reason == "ValueError: bad image" and len(calls) == 6
