from datetime import UTC, datetime

from apoyo_common.messages import SupportCaptured, SupportVerified
from apoyo_common.publishing import RecordingPublisher
from apoyo_common.stage import InMemoryLedger, Stage
from tests.factories import captured, identity_decoded, verified


def make_stage(
    publisher: RecordingPublisher, work_calls: list[str]
) -> Stage[SupportCaptured, SupportVerified]:

    async def work(event: SupportCaptured) -> SupportVerified:
        work_calls.append(event.support_id)
        decoded = identity_decoded(event, now=datetime.now(UTC))
        return verified(decoded, datetime.now(UTC))

    return Stage(
        "verification",
        SupportCaptured,
        "support.verified",
        work,
        InMemoryLedger(),
        publisher,
        key_of=lambda out: out.citizen_key.encode(),
    )


async def test_redelivery_republishes_the_recorded_output_without_redoing_work() -> None:
    publisher, calls = RecordingPublisher(), list[str]()
    stage = make_stage(publisher, calls)
    raw = captured().model_dump_json().encode()
    await stage.handle(raw)
    await stage.handle(raw)
    first, second = publisher.on("support.verified")
    assert calls == ["s-1"] and first == second


async def test_a_publish_failure_leaves_the_effect_recorded_and_retry_publishes_it() -> None:
    publisher, calls = RecordingPublisher(failures_left=1), list[str]()
    stage = make_stage(publisher, calls)
    raw = captured().model_dump_json().encode()
    try:
        await stage.handle(raw)
    except ConnectionError:
        pass
    await stage.handle(raw)
    assert calls == ["s-1"] and len(publisher.on("support.verified")) == 1
