"""One body, two backends: the in-memory delivery log and outcomes of the unit tests behave as
the PostgreSQL ones do."""

from collections.abc import AsyncIterator
from datetime import timedelta

import asyncpg
import pytest

from apoyo_common.codes import Status
from apoyo_common.db import migrate
from apoyo_notification import compose
from apoyo_notification.adapters.memory import MemoryMailLog, MemoryOutcomes, MemoryTallies
from apoyo_notification.adapters.postgres import PgMailLog, PgOutcomes
from apoyo_notification.adapters.tallies import PgTallies
from apoyo_notification.domain import notify
from apoyo_notification.ports import MailLog, Outcomes, State
from apoyo_notification.summaries import Tallies
from tests.factories import NOW, process
from tests.sealing import sealed_keyring
from tests.unit.notification.mail_factories import code_request, invitation, outcome

pytestmark = pytest.mark.component
LEASE = timedelta(minutes=5)


Backends = tuple[MailLog, Outcomes, Tallies]


@pytest.fixture(params=["memory", "postgres", "postgres-sealed"])
async def backends(request: pytest.FixtureRequest, pool: asyncpg.Pool) -> AsyncIterator[Backends]:
    if request.param == "memory":
        outcomes = MemoryOutcomes()
        yield MemoryMailLog(), outcomes, MemoryTallies(outcomes=outcomes)
        return
    await migrate(pool, "notification", "apoyo_notification")
    sealed = request.param == "postgres-sealed"
    keyring = await sealed_keyring(pool) if sealed else None
    yield PgMailLog(pool, keyring), PgOutcomes(pool), PgTallies(pool)


async def test_a_letter_is_recorded_once_and_claimed_once(
    backends: Backends,
) -> None:
    log, _, _ = backends
    letter = compose.email_code(code_request())
    assert await log.record(letter, NOW) and not await log.record(letter, NOW)
    claim = await log.claim(letter.message_id, NOW, NOW + LEASE)
    assert claim is not None and claim.attempt == 1 and claim.letter == letter
    assert await log.claim(letter.message_id, NOW, NOW + LEASE) is None
    assert await log.claim_due(NOW, NOW + LEASE, 10) == []
    assert await log.state(letter.message_id) is State.SENDING


async def test_failed_letters_come_due_at_their_retry_and_settled_ones_never(
    backends: Backends,
) -> None:
    log, _, _ = backends
    one, two = compose.invitation(invitation()), compose.email_code(code_request())
    for letter in (one, two):
        await log.record(letter, NOW)
        await log.claim(letter.message_id, NOW, NOW + LEASE)
    await log.failed(one.message_id, "OSError: down", NOW + timedelta(seconds=30))
    await log.settle(two.message_id, State.SENT, NOW)
    assert await log.claim_due(NOW + timedelta(seconds=29), NOW + LEASE, 10) == []
    (claim,) = await log.claim_due(NOW + timedelta(hours=1), NOW + LEASE, 10)
    assert claim.letter == one and claim.attempt == 2
    assert await log.state(two.message_id) is State.SENT


async def test_a_letter_put_back_keeps_its_attempts(backends: Backends) -> None:
    log, _, _ = backends
    letter = compose.invitation(invitation())
    await log.record(letter, NOW)
    await log.claim(letter.message_id, NOW, NOW + LEASE)
    await log.put_back(letter.message_id, NOW + timedelta(seconds=2))
    assert await log.state(letter.message_id) is State.PENDING
    (claim,) = await log.claim_due(NOW + timedelta(seconds=2), NOW + LEASE, 10)
    assert claim.attempt == 1


async def test_the_latest_outcome_is_kept(backends: Backends) -> None:
    _, outcomes, _ = backends
    first = outcome(Status.EN_LISTA_NOMINAL)
    later = outcome(Status.DUPLICADO_OTRO_ASPIRANTE, at=NOW + timedelta(minutes=1))
    assert await outcomes.latest(["s-1"]) == {}
    kept = await outcomes.record([(notify(first, NOW, 1), first.verified_at)])
    assert kept["s-1"].status is Status.EN_LISTA_NOMINAL
    kept = await outcomes.record([(notify(later, NOW, 1), later.verified_at)])
    assert kept["s-1"].status is Status.DUPLICADO_OTRO_ASPIRANTE
    kept = await outcomes.record([(notify(first, NOW, 1), first.verified_at)])  # replayed
    assert kept["s-1"].status is Status.DUPLICADO_OTRO_ASPIRANTE
    latest = await outcomes.latest(["s-1", "s-2"])
    assert list(latest) == ["s-1"] and latest["s-1"][1] == later.verified_at


async def test_a_batch_is_recorded_together_and_a_later_outcome_kept_stays(
    backends: Backends,
) -> None:
    _, outcomes, _ = backends
    later = outcome(Status.BAJA, at=NOW + timedelta(minutes=1))
    await outcomes.record([(notify(later, NOW, 1), later.verified_at)])
    events = [outcome(Status.EN_LISTA_NOMINAL, support_id=f"s-{n}") for n in (3, 1, 2)]
    kept = await outcomes.record([(notify(e, NOW, 1), e.verified_at) for e in events])
    assert {s: n.status for s, n in kept.items()} == {
        "s-1": Status.BAJA,  # recorded with a later verdict before: it stays
        "s-2": Status.EN_LISTA_NOMINAL,
        "s-3": Status.EN_LISTA_NOMINAL,
    }
    latest = await outcomes.latest(["s-1", "s-2", "s-3"])
    assert {s: k[0].status for s, k in latest.items()} == {s: n.status for s, n in kept.items()}


async def test_aspirants_are_known_from_the_process_and_counted_per_status(
    backends: Backends,
) -> None:
    _, outcomes, tallies = backends
    await tallies.save_process(process())
    await tallies.save_process(process())  # defined again: still two
    assert [(a.key, a.name) for a in await tallies.aspirants()] == [
        ("gub-son-2027/asp-01", "Uno"),
        ("gub-son-2027/asp-02", "Dos"),
    ]
    for n, status in enumerate([Status.EN_LISTA_NOMINAL, Status.BAJA, Status.BAJA]):
        event = outcome(status, support_id=f"s-{n}")
        await outcomes.record([(notify(event, NOW, 1), event.verified_at)])
    counts = await tallies.counts("gub-son-2027", "asp-01")
    assert counts == {Status.EN_LISTA_NOMINAL: 1, Status.BAJA: 2}
    assert await tallies.counts("gub-son-2027", "asp-02") == {}
