"""The hearing's routes over the in-memory fakes or PostgreSQL, with the real review desk (behind
a switch that can make it fail): one set of test bodies for both backends."""

import contextlib
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

import asyncpg
import httpx
from starlette.applications import Starlette

from apoyo_common.access.entries import AccessLog
from apoyo_common.access.memory import InMemoryAccessLog
from apoyo_common.access.postgres import PgAccessLog
from apoyo_common.codes import EvidenceKind, Role
from apoyo_common.db import migrate
from apoyo_common.messages import EvidenceFacts, IdentityDecoded
from apoyo_common.storage import InMemoryStore
from apoyo_common.tokens import Principal, issue
from apoyo_verification.adapters.book_memory import InMemoryProcesses, InMemorySupportBook
from apoyo_verification.adapters.book_postgres import PgProcesses, PgSupportBook
from apoyo_verification.adapters.desk_memory import InMemoryDeskStore
from apoyo_verification.adapters.desk_store_postgres import PgDeskStore
from apoyo_verification.adapters.hearing_memory import InMemoryHearingBook
from apoyo_verification.adapters.hearing_postgres import PgHearingBook
from apoyo_verification.adapters.memory import InMemoryVoterRoll
from apoyo_verification.adapters.postgres import PgVoterRoll
from apoyo_verification.book import Processes
from apoyo_verification.desk.ports import Referred
from apoyo_verification.desk.referral import Referral
from apoyo_verification.desk.service import ReviewDesk
from apoyo_verification.hearing.http import HearingRoutes, hearing_routes
from apoyo_verification.hearing.ports import HearingBook
from apoyo_verification.hearing.service import Hearing
from apoyo_verification.service import Verifier
from tests.component.test_verification_duplicates import load, ticking
from tests.unit.verification.cases import PROCESS

SECRET = "hearing-test-secret-of-at-least-32-bytes"
PERSON_SECRET = b"hearing-citizen-key-secret"


@dataclass
class FlakyDesk:
    """The real desk behind a switch that makes it fail, as its database might."""

    desk: ReviewDesk
    down: bool = False

    async def refer(self, referral: Referral) -> bool:
        if self.down:
            raise ConnectionError("desk unreachable")
        return await self.desk.refer(referral)


def with_images(support: IdentityDecoded, kinds: Sequence[EvidenceKind]) -> IdentityDecoded:
    facts = tuple(
        EvidenceFacts(
            kind=k, object_key=f"evidence/p/{support.support_id}/{k.value}.png",
            sha256="0" * 64, bytes=3, matches_capture=True,
        )
        for k in kinds
    )  # fmt: skip
    return support.model_copy(update={"evidence": facts})


def bearer(role: Role, process: str | None = None, aspirant: str | None = None) -> dict[str, str]:
    principal = Principal(role, f"{role.value}-{aspirant}", process, aspirant)
    return {"Authorization": f"Bearer {issue(SECRET, principal, timedelta(minutes=5))}"}


@dataclass
class Served:
    client: httpx.AsyncClient
    desk: FlakyDesk
    store: InMemoryStore
    access: AccessLog

    async def referrals(self, support_id: str) -> list[Referred]:
        item = await self.desk.desk.item(support_id)
        return [] if item is None else list(item.referrals)


async def _serve(
    processes: Processes,
    desk: ReviewDesk,
    book: HearingBook,
    supports: Sequence[IdentityDecoded],
    access: AccessLog,
) -> AsyncIterator[Served]:
    await load(desk.verifier.roll)
    await processes.save(PROCESS)
    await desk.verifier.verify_many(supports)
    store = InMemoryStore()
    for one in supports:
        for fact in one.evidence:
            await store.put(fact.object_key, f"{one.support_id}:{fact.kind.value}".encode(), "")
    flaky = FlakyDesk(desk)
    hearing = Hearing(book, store, flaky)
    app = Starlette(routes=hearing_routes(HearingRoutes(hearing, processes, SECRET, access)))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        yield Served(client, flaky, store, access)


def later() -> Callable[[], datetime]:
    """The desk's clock: its referrals and decisions come after the supports' outcomes."""
    tick = ticking()
    return lambda: tick() + timedelta(days=1)


@contextlib.asynccontextmanager
async def in_memory(supports: Sequence[IdentityDecoded]) -> AsyncIterator[Served]:
    roll, processes, book = InMemoryVoterRoll(), InMemoryProcesses(), InMemorySupportBook()
    verifier = Verifier(roll, processes, book, ticking(), PERSON_SECRET)
    desk = ReviewDesk(InMemoryDeskStore(book), book, verifier, later())
    hearing, access = InMemoryHearingBook(book), InMemoryAccessLog()
    async for served in _serve(processes, desk, hearing, supports, access):
        yield served


@contextlib.asynccontextmanager
async def on_postgres(
    pool: asyncpg.Pool, supports: Sequence[IdentityDecoded]
) -> AsyncIterator[Served]:
    await migrate(pool, "verification", "apoyo_verification")
    roll, processes, book = PgVoterRoll(pool), PgProcesses(pool), PgSupportBook(pool)
    verifier = Verifier(roll, processes, book, ticking(), PERSON_SECRET)
    desk = ReviewDesk(PgDeskStore(pool), book, verifier, later())
    access = PgAccessLog(pool, "verification")
    async for served in _serve(processes, desk, PgHearingBook(pool), supports, access):
        yield served
