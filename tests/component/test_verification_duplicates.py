"""The verifier on the in-memory fakes and on PostgreSQL: one test body, two backends.

Duplicates by reception order, revisions when an earlier support arrives late, redeliveries
that change nothing, and several consumers racing on shuffled, redelivered copies that end
where one consumer reading in order ends.
"""

import asyncio
import itertools
import json
import random
from collections import Counter
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Protocol

import asyncpg
import pytest

from apoyo_common.codes import Status
from apoyo_common.db import create_pool, migrate
from apoyo_common.keyring import Keyring
from apoyo_common.messages import IdentityDecoded
from apoyo_common.outbox import opened_payload
from apoyo_common.topics import citizen_identity, citizen_key
from apoyo_verification.adapters.book_memory import InMemoryProcesses, InMemorySupportBook
from apoyo_verification.adapters.book_postgres import PgProcesses, PgSupportBook
from apoyo_verification.adapters.memory import InMemoryVoterRoll
from apoyo_verification.adapters.postgres import PgVoterRoll
from apoyo_verification.book import UnknownProcess
from apoyo_verification.ports import VoterRoll
from apoyo_verification.roll.batch import RollBatch, batch_of
from apoyo_verification.service import Verifier
from tests.factories import NOW
from tests.roll_files import CUT
from tests.sealing import sealed_keyring
from tests.unit.verification.cases import PROCESS, decoded, form, person, record

pytestmark = pytest.mark.component
Final = tuple[str, tuple[str, ...]]
Finals = dict[str, Final]
Tallied = tuple[str, str]  # aspirant, status
CITIZENS = 8
PERSON_SECRET = b"duplicates-citizen-key-secret"


def ticking() -> Callable[[], datetime]:
    ticks = itertools.count()
    return lambda: NOW + timedelta(milliseconds=next(ticks))


def final_of(payload: bytes | dict[str, Any]) -> tuple[str, Final]:
    output = json.loads(payload) if isinstance(payload, bytes) else payload
    return output["support_id"], (output["status"], tuple(output["reasons"]))


class Backend(Protocol):
    """Verifiers over one shared state; on PostgreSQL each has connections of its own."""

    async def verifier(self) -> Verifier: ...

    async def finals(self) -> Finals: ...

    async def published(self) -> Finals:
        """The last event queued for each support: what downstream ends up seeing."""
        ...


async def load(roll: VoterRoll) -> None:
    async def batches() -> AsyncIterator[RollBatch]:
        yield batch_of([record(person(i)) for i in range(CITIZENS)])

    await roll.load(CUT, batches())


@dataclass
class MemoryBackend:
    roll: InMemoryVoterRoll = field(default_factory=InMemoryVoterRoll)
    processes: InMemoryProcesses = field(default_factory=InMemoryProcesses)
    book: InMemorySupportBook = field(default_factory=InMemorySupportBook)
    clock: Callable[[], datetime] = field(default_factory=ticking)

    async def setup(self) -> None:
        await load(self.roll)
        await self.processes.save(PROCESS)

    async def verifier(self) -> Verifier:
        return Verifier(self.roll, self.processes, self.book, self.clock, PERSON_SECRET)

    async def finals(self) -> Finals:
        outcomes = self.book.outcomes.items()
        return {k: (o.final.status.value, o.final.reasons) for k, o in outcomes}

    async def published(self) -> Finals:
        return dict(final_of(item.payload) for item in self.book.outbox)


@dataclass
class PgBackend:
    database: str
    sealed: bool = False  # personal fields sealed to a data key (docs/security.md)
    pools: list[asyncpg.Pool] = field(default_factory=list)
    clock: Callable[[], datetime] = field(default_factory=ticking)
    keyring: Keyring = field(default_factory=Keyring.off)

    async def setup(self) -> None:
        main = await self.pool()
        if self.sealed:
            self.keyring = await sealed_keyring(main)
        await migrate(main, "verification", "apoyo_verification")
        await load(PgVoterRoll(main))
        await PgProcesses(main).save(PROCESS)

    async def pool(self) -> asyncpg.Pool:
        made = await create_pool(self.database, 2)
        self.pools.append(made)
        return made

    async def verifier(self) -> Verifier:
        pool = await self.pool()  # each consumer its own connections, as a replica has
        book = PgSupportBook(pool, self.keyring)
        return Verifier(PgVoterRoll(pool), PgProcesses(pool), book, self.clock, PERSON_SECRET)

    async def finals(self) -> Finals:
        rows = await self.pools[0].fetch("SELECT output FROM verification.supports")
        return dict(final_of(r["output"]) for r in rows)

    async def published(self) -> Finals:
        return dict(final_of(payload) for payload in await self.payloads())

    async def payloads(self) -> list[bytes]:
        """The outbox's events in order, opened as the relay publishes them."""
        sql = "SELECT topic, key, payload FROM verification.outbox ORDER BY id"
        rows = await self.pools[0].fetch(sql)
        return [await opened_payload(self.keyring, *r.values()) for r in rows]


@pytest.fixture(params=["memory", "postgres", "postgres-sealed"])
async def backend(request: pytest.FixtureRequest, database: str) -> AsyncIterator[Backend]:
    if request.param == "memory":
        memory = MemoryBackend()
        await memory.setup()
        yield memory
        return
    pg = PgBackend(database, sealed=request.param == "postgres-sealed")
    await pg.setup()
    yield pg
    for pool in pg.pools:
        await pool.close()


def support(
    who: int, support_id: str, aspirant: str = "asp-01", minutes: int = 0, **changes: Any
) -> IdentityDecoded:
    received = NOW + timedelta(minutes=minutes)
    return decoded(
        person(who), support_id=support_id, aspirant_id=aspirant, received_at=received, **changes
    )


def by_clave(
    who: int, support_id: str, aspirant: str = "asp-01", minutes: int = 0, **changes: Any
) -> IdentityDecoded:
    """The same person with only the clave typed: identity keys it by the clave, not by the
    identificador, so its message's citizen key differs from the card's."""
    who_ = person(who)
    typed = form(who_, ocr=None, cic=None, emision=None)
    identity = citizen_identity(support_id=support_id, ocr=None, clave_elector=who_.clave_elector)
    key = citizen_key(PERSON_SECRET, PROCESS.id, identity)
    return support(who, support_id, aspirant, minutes, card=False, typed=typed, citizen_key=key)


async def run(backend: Backend, *supports: IdentityDecoded) -> Finals:
    verifier = await backend.verifier()
    for one in supports:
        await verifier.verify(one)
    return await backend.finals()


VALID: Final = (Status.EN_LISTA_NOMINAL.value, ())
SAME: Final = (Status.DUPLICADO_MISMO_ASPIRANTE.value, ())
OTHER: Final = (Status.DUPLICADO_OTRO_ASPIRANTE.value, ())


async def test_later_supports_are_duplicates_of_the_same_or_another_aspirant(
    backend: Backend,
) -> None:
    found = await run(
        backend,
        support(0, "a", "asp-01", 0),
        support(0, "b", "asp-01", 1),
        support(0, "c", "asp-02", 2),
        support(1, "d", "asp-02", 3),
    )
    assert found == {"a": VALID, "b": SAME, "c": OTHER, "d": VALID}


async def test_the_same_person_by_card_and_by_clave_alone_counts_once(backend: Backend) -> None:
    found = await run(
        backend,
        support(0, "card", "asp-01", 0),
        by_clave(0, "typed", "asp-01", 1),
        by_clave(0, "typed-other", "asp-02", 2),
        by_clave(1, "alone", "asp-02", 3),
    )
    assert found == {"card": VALID, "typed": SAME, "typed-other": OTHER, "alone": VALID}


async def test_an_earlier_typed_support_arriving_late_revises_the_card_read(
    backend: Backend,
) -> None:
    found = await run(backend, support(0, "card", "asp-01", 5), by_clave(0, "typed", "asp-02", 1))
    assert found == {"typed": VALID, "card": OTHER}
    assert await backend.published() == found


async def test_an_earlier_support_arriving_late_counts_and_the_later_one_is_revised(
    backend: Backend,
) -> None:
    found = await run(backend, support(0, "late", "asp-01", 5), support(0, "early", "asp-02", 1))
    assert found == {"early": VALID, "late": OTHER}
    assert await backend.published() == found  # the revision was queued to be published


async def test_ties_in_reception_go_to_the_smaller_support_id(backend: Backend) -> None:
    found = await run(backend, support(0, "s-b", "asp-02"), support(0, "s-a", "asp-01"))
    assert found == {"s-a": VALID, "s-b": OTHER}


async def test_rejected_supports_block_nobody(backend: Backend) -> None:
    found = await run(
        backend,
        support(0, "copy", minutes=0, flags=("PHOTOCOPY",)),
        support(0, "good", minutes=1),
        support(8, "unknown", minutes=2),  # not in the roll
    )
    assert found == {
        "copy": (Status.INCONSISTENCIA.value, ("FOTOCOPIA",)),
        "good": VALID,
        "unknown": (Status.NO_ENCONTRADO.value, ()),
    }


async def test_a_redelivery_republishes_the_recorded_outcome_and_changes_nothing(
    backend: Backend,
) -> None:
    first, second = support(0, "a", minutes=0), support(0, "b", minutes=1)
    before = await run(backend, first, second)
    verifier = await backend.verifier()
    again = await verifier.verify(second)
    assert again.published.status is Status.DUPLICADO_MISMO_ASPIRANTE
    assert await backend.finals() == before and await backend.published() == before


async def test_a_support_of_an_unknown_process_is_refused_for_a_retry(backend: Backend) -> None:
    stray = support(0, "a").model_copy(update={"process_id": "otro-proceso"})
    with pytest.raises(UnknownProcess):
        await (await backend.verifier()).verify(stray)
    assert await backend.finals() == {}


def crowd(rng: random.Random) -> list[IdentityDecoded]:
    """Several supports per citizen: both aspirants, ties, rejected ones, ones for the desk,
    read off the card or typed with the clave alone (two message keys for one person)."""
    found, ids = [], itertools.count()
    for who in range(CITIZENS + 1):  # the last one is not in the roll
        for _ in range(rng.randint(1, 4)):
            flags = rng.choice([(), (), (), ("PHOTOCOPY",), ("BLURRY",)])
            minutes, aspirant = rng.randint(0, 5), rng.choice(["asp-01", "asp-02"])
            n = next(ids)  # every third typed: the seeds keep drawing what they drew before
            way = by_clave if n % 3 == 1 else support
            found.append(way(who, f"s-{n:03d}", aspirant, minutes, flags=flags))
    return found


async def in_order(supports: list[IdentityDecoded]) -> Finals:
    reference = MemoryBackend()
    await reference.setup()
    return await run(reference, *sorted(supports, key=lambda s: (s.received_at, s.support_id)))


@pytest.mark.parametrize("seed", [1, 2, 3])
async def test_concurrent_consumers_on_shuffled_redeliveries_agree_with_one_in_order(
    backend: Backend, seed: int
) -> None:
    rng = random.Random(seed)
    supports = crowd(rng)
    expected = await in_order(supports)
    copies = [s for s in supports for _ in range(rng.randint(1, 3))]
    rng.shuffle(copies)
    consumers = 4
    verifiers = [await backend.verifier() for _ in range(consumers)]

    async def consume(verifier: Verifier, share: list[IdentityDecoded]) -> None:
        for one in share:
            await verifier.verify(one)

    shares = [copies[i::consumers] for i in range(consumers)]
    await asyncio.gather(*(consume(v, s) for v, s in zip(verifiers, shares, strict=True)))
    assert await backend.finals() == expected
    assert await backend.published() == expected
    statuses = {status for status, _ in expected.values()}
    assert {"EN_LISTA_NOMINAL", "INCONSISTENCIA", "NO_ENCONTRADO"} <= statuses
    assert statuses & {"DUPLICADO_MISMO_ASPIRANTE", "DUPLICADO_OTRO_ASPIRANTE"}
    assert await tallied(verifiers[0], supports) == recount(supports, expected)


async def tallied(verifier: Verifier, supports: list[IdentityDecoded]) -> Counter[Tallied]:
    """What progress reads: the aggregates, per aspirant and status."""
    found: Counter[Tallied] = Counter()
    for aspirant in sorted({s.aspirant_id for s in supports}):
        for (status, _), n in (await verifier.book.tally(PROCESS.id, aspirant)).items():
            found[aspirant, status] += n
    return +found


def recount(supports: list[IdentityDecoded], finals: Finals) -> Counter[Tallied]:
    return Counter((s.aspirant_id, finals[s.support_id][0]) for s in supports)


async def test_a_redefined_process_applies_to_the_supports_judged_after(backend: Backend) -> None:
    verifier = await backend.verifier()
    closed = PROCESS.capture.model_copy(update={"end": NOW - timedelta(days=2)})
    await verifier.processes.save(PROCESS.model_copy(update={"capture": closed}))
    await verifier.verify(support(0, "late"))
    await verifier.processes.save(PROCESS)
    await verifier.verify(support(1, "on-time"))
    assert await backend.finals() == {
        "late": (Status.INCONSISTENCIA.value, ("FUERA_DE_PLAZO",)),
        "on-time": VALID,
    }
