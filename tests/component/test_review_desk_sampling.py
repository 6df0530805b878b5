"""INE's sampling rule at the desk, on the in-memory fakes and on PostgreSQL (one test body):
once every sampled support is decided, 10 % or more problems send every other counted support
of the aspirant to the desk; less sends none."""

from collections.abc import AsyncIterator

import pytest

from apoyo_verification.desk.decision import Ruling
from apoyo_verification.desk.ports import EmptySample, QueueQuery, SampleExists
from apoyo_verification.desk.referral import Cause
from apoyo_verification.desk.service import Ask, ReviewDesk
from apoyo_verification.roll.batch import RollBatch, batch_of
from tests.component import test_verification_duplicates as duplicates
from tests.component.desk_backends import desk_on
from tests.component.test_verification_duplicates import Backend, support
from tests.roll_files import CUT
from tests.unit.verification.cases import PROCESS, person, record

pytestmark = pytest.mark.component
backend = duplicates.backend  # the same fixture: in memory and on PostgreSQL
SUPPORTS = 24
FINE = Ask(Ruling.VALIDO, None, "", "ople:r")
WRONG = Ask(Ruling.INCONSISTENCIA, "FIRMA_NO_VALIDA", "otra firma", "ople:r")


async def counted_supports(backend: Backend) -> ReviewDesk:
    """A desk whose aspirant asp-01 has SUPPORTS counted supports, one per citizen."""
    desk = await desk_on(backend)

    async def batches() -> AsyncIterator[RollBatch]:
        yield batch_of([record(person(i)) for i in range(SUPPORTS)])

    await desk.verifier.roll.load(CUT, batches())
    await desk.verifier.verify_many([support(i, f"s-{i:02d}", minutes=i) for i in range(SUPPORTS)])
    return desk


async def open_ids(desk: ReviewDesk, cause: Cause) -> list[str]:
    items = await desk.queue(QueueQuery(PROCESS.id, cause=cause, limit=100))
    return [i.outcome.support_id for i in items]


async def review_sample(desk: ReviewDesk, size: int, problems: int) -> list[str]:
    """Draw, decide the sample (the first `problems` wrong); the supports then escalated."""
    sample = await desk.draw_sample(PROCESS.id, "asp-01", size, 7, "ople:jefa")
    assert sample.drawn == size
    sampled = await open_ids(desk, Cause.MUESTRA)
    assert len(sampled) == size
    for n, sid in enumerate(sampled):
        assert await open_ids(desk, Cause.ASPIRANTE_COMPLETO) == []  # not before the end
        await desk.decide(sid, WRONG if n < problems else FINE)
    kept = await desk.store.sample(PROCESS.id, "asp-01")
    assert kept is not None and (kept.decided, kept.problems) == (size, problems)
    return await open_ids(desk, Cause.ASPIRANTE_COMPLETO)


async def test_ten_percent_of_problems_sends_every_counted_support(backend: Backend) -> None:
    desk = await counted_supports(backend)
    escalated = await review_sample(desk, 10, 1)
    assert len(escalated) == SUPPORTS - 10
    kept = await desk.store.sample(PROCESS.id, "asp-01")
    assert kept is not None and kept.escalated == SUPPORTS - 10


async def test_less_than_ten_percent_sends_no_more(backend: Backend) -> None:
    desk = await counted_supports(backend)
    assert await review_sample(desk, 11, 1) == []
    kept = await desk.store.sample(PROCESS.id, "asp-01")
    assert kept is not None and kept.escalated == 0


async def test_one_sample_per_aspirant_and_none_of_nothing(backend: Backend) -> None:
    desk = await counted_supports(backend)
    first = await desk.draw_sample(PROCESS.id, "asp-01", 5, None, "ople:jefa")
    with pytest.raises(SampleExists):
        await desk.draw_sample(PROCESS.id, "asp-01", 5, None, "ople:jefa")
    with pytest.raises(EmptySample):
        await desk.draw_sample(PROCESS.id, "asp-02", 5, None, "ople:jefa")
    kept = await desk.store.sample(PROCESS.id, "asp-01")
    assert kept is not None and (kept.seed, kept.size, kept.drawn) == (first.seed, 5, 5)
