"""Referrals to the review desk, on the in-memory fakes and on PostgreSQL (one test body):
automatic for `PENDIENTE_REVISION`, idempotent per support and cause, listed in the queue."""

import pytest

from apoyo_verification.desk.ports import Item, QueueQuery
from apoyo_verification.desk.referral import Cause, NotRecorded, Referral
from tests.component import test_verification_duplicates as duplicates
from tests.component.desk_backends import desk_on
from tests.component.test_verification_duplicates import Backend, support
from tests.unit.verification.cases import PROCESS

pytestmark = pytest.mark.component
backend = duplicates.backend  # the same fixture: in memory and on PostgreSQL


async def test_a_support_for_review_is_referred_once_with_its_evidence(backend: Backend) -> None:
    desk = await desk_on(backend)
    blurry = support(0, "blurry", flags=("BLURRY",))
    await desk.verifier.verify_many([blurry, support(1, "fine", minutes=1)])
    await desk.verifier.verify(blurry)  # a redelivery refers nothing more
    [item] = await desk.queue(QueueQuery(PROCESS.id))
    assert item.outcome.support_id == "blurry" and item.outcome.status == "PENDIENTE_REVISION"
    assert [(r.cause, r.actor, r.decided) for r in item.referrals] == [
        (Cause.PENDIENTE_REVISION, "system", False)
    ]
    assert item.referrals[0].note == "ILEGIBLE"
    keys = {e.kind: e.object_key for e in item.evidence}
    assert keys == {k.kind.value: k.object_key for k in blurry.evidence} and len(keys) == 3


async def test_referring_is_idempotent_per_support_and_cause(backend: Backend) -> None:
    desk = await desk_on(backend)
    await desk.verifier.verify(support(0, "a"))
    report = Referral("a", Cause.SUPLANTACION, "citizen", "yo no di este apoyo")
    assert await desk.refer(report) is True
    assert await desk.refer(report) is False
    assert await desk.refer(Referral("a", Cause.AUDIENCIA, "aspirant:asp-01", "x")) is True
    item = await desk.item("a")
    assert item is not None and item.open
    assert [(r.cause, r.note) for r in item.referrals] == [
        (Cause.SUPLANTACION, "yo no di este apoyo"),
        (Cause.AUDIENCIA, "x"),
    ]
    with pytest.raises(NotRecorded):
        await desk.refer(Referral("unknown", Cause.AUDIENCIA, "aspirant:asp-01"))


def ids(items: list[Item]) -> list[str]:
    return [i.outcome.support_id for i in items]


async def test_the_queue_filters_by_aspirant_and_cause_and_pages_by_key(
    backend: Backend,
) -> None:
    desk = await desk_on(backend)
    await desk.verifier.verify_many(
        [support(i, f"s-{i}", "asp-01" if i % 2 else "asp-02", i) for i in range(6)]
    )
    for i in range(6):
        cause = Cause.AUDIENCIA if i < 4 else Cause.SUPLANTACION
        await desk.refer(Referral(f"s-{i}", cause, "t"))
    assert ids(await desk.queue(QueueQuery(PROCESS.id, aspirant_id="asp-01"))) == [
        "s-1",
        "s-3",
        "s-5",
    ]
    assert ids(await desk.queue(QueueQuery(PROCESS.id, cause=Cause.SUPLANTACION))) == [
        "s-4",
        "s-5",
    ]
    first = await desk.queue(QueueQuery(PROCESS.id, limit=4))
    rest = await desk.queue(QueueQuery(PROCESS.id, after=first[-1].outcome.support_id))
    assert ids(first) + ids(rest) == [f"s-{i}" for i in range(6)]
    assert await desk.queue(QueueQuery("otro-proceso")) == []
