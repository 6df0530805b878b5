"""Two export consumers keeping overlapping batches at once on PostgreSQL (`PgRecords.keep_many`,
one statement a batch): the same support delivered to both, some with another status at the
same `notified_at`, some already kept, some revised later by one of them. Each support is kept
once, with the outcome kept first (a tie changes nothing), or the later revision; each call
returns, for every outcome, its own event where it wrote it and the kept one where another
writer's (or an earlier one's) was there."""

import asyncio
import random
from datetime import timedelta
from typing import Any

import asyncpg
import pytest

from apoyo_common.codes import Status
from apoyo_common.db import migrate
from apoyo_common.messages import SupportExported, SupportNotified
from apoyo_export.adapters.postgres import PgRecords
from apoyo_export.domain import stage
from apoyo_notification.domain import notify
from tests.factories import NOW, captured, identity_decoded, verified

pytestmark = pytest.mark.component

ROUNDS = 60
TIES = 10  # delivered to both writers at the same notified_at: s-<round>-0 .. 9
BEFORE = 2  # of which s-<round>-0 and 1 were kept before the round
REVISED = 3  # s-<round>-10 .. 12: the first writer at minute 1, the second at minute 5
Batch = list[tuple[SupportNotified, SupportExported]]


def outcome(support_id: str, status: Status, minutes: int) -> SupportNotified:
    event = captured(support_id)
    return notify(verified(identity_decoded(event), NOW, status), NOW + timedelta(minutes=minutes))


def staged(notified: SupportNotified, seconds: int) -> SupportExported:
    """Each delivery stages its own event: a different `exported_at` tells them apart."""
    return stage(notified, notified.notified_at + timedelta(seconds=seconds))


class Counted:
    """The pool with its statements counted: a second one in a call is the re-read of a lost
    race (`keep_many`)."""

    def __init__(self, pool: asyncpg.Pool) -> None:
        self.pool, self.statements = pool, 0

    async def fetch(self, query: str, *args: Any) -> list[asyncpg.Record]:
        self.statements += 1
        rows: list[asyncpg.Record] = await self.pool.fetch(query, *args)
        return rows


def batches(rnd: int, rng: random.Random) -> tuple[Batch, Batch]:
    ids = [f"s-{rnd:03d}-{i:02d}" for i in range(TIES + REVISED)]
    first: Batch = []
    second: Batch = []
    for i, sid in enumerate(ids[:TIES]):
        mine = outcome(sid, Status.EN_LISTA_NOMINAL, 1)
        # every other one a different outcome at the same time: which one stays is a race
        theirs = outcome(sid, Status.NO_ENCONTRADO if i % 2 else Status.EN_LISTA_NOMINAL, 1)
        first.append((mine, staged(mine, 10)))
        second.append((theirs, staged(theirs, 20)))
        if i % 3 == 0:  # redelivered within the batch too
            second.append((theirs, staged(theirs, 30)))
    for sid in ids[TIES:]:
        early, late = outcome(sid, Status.PENDIENTE_REVISION, 1), outcome(sid, Status.BAJA, 5)
        first.append((early, staged(early, 10)))
        second.append((late, staged(late, 20)))
    rng.shuffle(first)
    rng.shuffle(second)
    return first, second


async def keep_after(records: PgRecords, batch: Batch, delay: float) -> list[SupportExported]:
    await asyncio.sleep(delay)
    return await records.keep_many(batch)


async def test_two_writers_keep_each_support_once_and_report_what_was_kept(
    pool: asyncpg.Pool,
) -> None:
    await migrate(pool, "export", "apoyo_export")
    one, two = Counted(pool), Counted(pool)
    writers = PgRecords(one), PgRecords(two)  # it reads and writes only by fetch
    rng = random.Random(46)
    won = {0: 0, 1: 0}
    for rnd in range(ROUNDS):
        before: dict[str, SupportExported] = {}
        for i in range(BEFORE):
            sid = f"s-{rnd:03d}-{i:02d}"
            earlier = outcome(sid, Status.PENDIENTE_REVISION, 1)
            [before[sid]] = await writers[0].keep_many([(earlier, staged(earlier, 0))])
        sent = batches(rnd, rng)
        delays = [rng.choice((0.0, 0.0, 0.0005, 0.001, 0.002)) for _ in sent]
        results = await asyncio.gather(
            *(keep_after(w, b, d) for w, b, d in zip(writers, sent, delays, strict=True))
        )
        rows = await pool.fetch(
            "SELECT support_id, output FROM export.records WHERE support_id LIKE $1",
            f"s-{rnd:03d}-%",
        )
        stored = {r["support_id"]: SupportExported.model_validate(r["output"]) for r in rows}
        assert len(stored) == TIES + REVISED
        for sid, kept in stored.items():
            own = [
                [e for n, e in batch if n.support_id == sid] for batch in sent
            ]  # each writer's events of the support
            said = [
                [k for (n, _), k in zip(batch, got, strict=True) if n.support_id == sid]
                for batch, got in zip(sent, results, strict=True)
            ]  # what each call returned for them
            if sid in before:  # kept before the round: both pass it on, nobody writes
                assert kept == before[sid], sid
                assert all(k == kept for k in said[0] + said[1]), sid
            elif kept.status is Status.BAJA:  # the later revision stays whoever came first
                assert kept == own[1][0] and said[1] == [kept], sid
                assert said[0] in ([own[0][0]], [kept]), sid  # its own if it wrote first
            else:  # a tie: the first kept stays, and both calls say so
                [writer] = [w for w in (0, 1) if kept in own[w]]
                assert kept == own[writer][0], sid  # its first delivery in the batch's order
                won[writer] += 1
                assert all(k == kept for k in said[0] + said[1]), (sid, writer, said, kept)
        assert stored[f"s-{rnd:03d}-10"].status is Status.BAJA
    assert won[0] + won[1] == ROUNDS * (TIES - BEFORE)
    reread = one.statements + two.statements - ROUNDS * (2 + BEFORE)
    print(f"\nties won: first writer {won[0]}, second {won[1]}; re-reads of a lost race {reread}")
    assert reread > 0, "no call lost a race: the writers did not overlap"
    assert min(won.values()) > 0, "one writer always came first"
