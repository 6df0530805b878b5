"""Aggregates and progress on the in-memory book and PostgreSQL: after concurrent batches with
revisions and redeliveries, and after decisions at the review desk, the maintained aggregates
equal a recount of the outcomes, and the progress read from them agrees with the roll's cells."""

import asyncio
import random

import pytest

from apoyo_common.codes import Status
from apoyo_common.processes import Dispersion
from apoyo_verification.desk.decision import Ruling
from apoyo_verification.desk.ports import QueueQuery
from apoyo_verification.desk.referral import Cause, Referral
from apoyo_verification.desk.service import Ask
from apoyo_verification.progress import ProgressReader
from apoyo_verification.service import Verifier
from apoyo_verification.tally import Moves, recount
from tests.component import test_verification_duplicates as duplicates
from tests.component.desk_backends import desk_on
from tests.component.test_verification_duplicates import (
    CITIZENS,
    Backend,
    MemoryBackend,
    PgBackend,
    crowd,
    in_order,
)
from tests.unit.verification.cases import PROCESS

pytestmark = pytest.mark.component
backend = duplicates.backend  # the same fixture: in memory and on PostgreSQL


async def aggregates(backend: Backend) -> tuple[Moves, Moves]:
    """(maintained, recounted from the outcomes)."""
    if isinstance(backend, MemoryBackend):
        return dict(backend.book.totals), recount(backend.book.outcomes.values())
    assert isinstance(backend, PgBackend)
    pool = backend.pools[0]
    kept = await pool.fetch(
        "SELECT process_id, aspirant_id, status, cell, n FROM verification.tally WHERE n <> 0"
    )
    counted = await pool.fetch(
        "SELECT process_id, aspirant_id, status, coalesce(cell, '') AS cell, count(*) AS n "
        "FROM verification.supports GROUP BY 1, 2, 3, 4"
    )
    return (
        {tuple(r.values())[:4]: int(r["n"]) for r in kept},
        {tuple(r.values())[:4]: int(r["n"]) for r in counted},
    )


@pytest.mark.parametrize("seed", [4, 5, 6])
async def test_aggregates_equal_a_recount_after_concurrent_batches_and_redeliveries(
    backend: Backend, seed: int
) -> None:
    rng = random.Random(seed)
    supports = crowd(rng) + crowd(rng)[:10]  # more supports per citizen: more revisions
    supports = list({s.support_id: s for s in supports}.values())
    expected = await in_order(supports)
    copies = [s for s in supports for _ in range(rng.randint(1, 3))]
    rng.shuffle(copies)
    verifiers = [await backend.verifier() for _ in range(4)]

    async def consume(verifier: Verifier, share: list) -> None:  # type: ignore[type-arg]
        while share:
            size = rng.randint(1, 6)
            batch, share[:] = share[:size], share[size:]
            await verifier.verify_many(batch)

    shares = [copies[i::4] for i in range(4)]
    await asyncio.gather(*(consume(v, s) for v, s in zip(verifiers, shares, strict=True)))
    assert await backend.finals() == expected
    kept, counted = await aggregates(backend)
    assert kept == counted
    statuses = {key[2] for key in kept}
    assert {"EN_LISTA_NOMINAL", "DUPLICADO_MISMO_ASPIRANTE", "NO_ENCONTRADO"} <= statuses


async def test_progress_reads_the_aggregates_and_the_cut(backend: Backend) -> None:
    verifier = await backend.verifier()
    rule = Dispersion(unit="seccion", min_units="half", pct_per_unit=10.0)
    await verifier.processes.save(PROCESS.model_copy(update={"dispersion": rule}))
    supports = crowd(random.Random(9))
    await verifier.verify_many(supports)
    reader = ProgressReader(verifier.processes, verifier.roll, verifier.book)
    mine = await reader.read(PROCESS.id, "asp-01")
    finals = await backend.finals()
    of_asp = [s for s in supports if s.aspirant_id == "asp-01"]
    valid = sum(1 for s in of_asp if finals[s.support_id][0] == Status.EN_LISTA_NOMINAL.value)
    assert mine.ln_total == CITIZENS and mine.required == 1  # ceil(3 % of 8)
    assert mine.valid == valid and sum(mine.by_status.values()) == len(of_asp)
    cells = await verifier.roll.cells(PROCESS.cut)
    assert mine.dispersion is not None
    assert mine.dispersion.units_total == len({(c.entidad, c.seccion) for c in cells if c.ln})
    assert len(mine.dispersion.units) == mine.dispersion.units_total
    assert sum(u.valid for u in mine.dispersion.units) == valid  # every valid one is placed


async def test_cells_of_a_cut_loaded_before_they_were_counted_are_counted_on_first_use(
    database: str,
) -> None:
    pg = PgBackend(database)
    await pg.setup()
    try:
        roll = (await pg.verifier()).roll
        counted = await roll.cells(PROCESS.cut)
        await pg.pools[0].execute("DELETE FROM verification.roll_cells")
        assert await roll.cells(PROCESS.cut) == counted
        assert sum(c.ln for c in counted) == CITIZENS
        memory = MemoryBackend()
        await memory.setup()
        assert await memory.roll.cells(PROCESS.cut) == counted  # the fake agrees
    finally:
        for pool in pg.pools:
            await pool.close()


async def test_aggregates_equal_a_recount_after_desk_decisions(backend: Backend) -> None:
    rng = random.Random(8)
    supports = crowd(rng) + crowd(rng)[:10]
    supports = list({s.support_id: s for s in supports}.values())
    desk = await desk_on(backend)
    await desk.verifier.verify_many(supports)
    for one in supports[::2]:
        await desk.refer(Referral(one.support_id, Cause.AUDIENCIA, "aspirant", "revísenlo"))
    before = await backend.finals()
    valid = Ask(Ruling.VALIDO, None, "", "ople:r")
    wrong = Ask(Ruling.INCONSISTENCIA, "FOTOCOPIA", "", "ople:r")
    for _ in range(5):  # a rejection may put a citizen's next support, at the desk, first
        for item in await desk.queue(QueueQuery(PROCESS.id, limit=1000)):
            await desk.decide(item.outcome.support_id, rng.choice([valid, wrong]))
    assert await desk.queue(QueueQuery(PROCESS.id)) == []
    after = await backend.finals()
    assert sum(before[k] != after[k] for k in after) >= 5  # the decisions moved outcomes
    kept, counted = await aggregates(backend)
    assert kept == counted
