"""The hearing's routes over the in-memory fakes or PostgreSQL, with a desk that records what it
is given: one set of test bodies for both backends (test_hearing_http.py)."""

import contextlib
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from datetime import timedelta

import asyncpg
import httpx
from starlette.applications import Starlette

from apoyo_common.codes import EvidenceKind, Role
from apoyo_common.db import migrate
from apoyo_common.messages import EvidenceFacts, IdentityDecoded
from apoyo_common.storage import InMemoryStore
from apoyo_common.tokens import Principal, issue
from apoyo_verification.adapters.book_memory import InMemoryProcesses, InMemorySupportBook
from apoyo_verification.adapters.book_postgres import PgProcesses, PgSupportBook
from apoyo_verification.adapters.hearing_memory import InMemoryHearingBook
from apoyo_verification.adapters.hearing_postgres import PgHearingBook
from apoyo_verification.adapters.memory import InMemoryVoterRoll
from apoyo_verification.adapters.postgres import PgVoterRoll
from apoyo_verification.book import Processes
from apoyo_verification.desk.referral import Referral
from apoyo_verification.hearing.http import HearingRoutes, hearing_routes
from apoyo_verification.hearing.ports import HearingBook
from apoyo_verification.hearing.service import Hearing
from apoyo_verification.ports import VoterRoll
from apoyo_verification.service import Verifier
from tests.component.test_verification_duplicates import load, ticking
from tests.factories import NOW
from tests.unit.verification.cases import PROCESS

SECRET = "hearing-test-secret-of-at-least-32-bytes"


@dataclass
class RecordingDesk:
    """The desk as the hearing sees it (Desk.refer), keeping every referral it takes."""

    taken: list[Referral] = field(default_factory=list)
    down: bool = False

    async def refer(self, referral: Referral) -> bool:
        if self.down:
            raise ConnectionError("desk unreachable")
        pair = (referral.support_id, referral.cause)
        if any((r.support_id, r.cause) == pair for r in self.taken):
            return False
        self.taken.append(referral)
        return True


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
    desk: RecordingDesk
    store: InMemoryStore


async def _serve(
    roll: VoterRoll, processes: Processes, verifier: Verifier, book: HearingBook,
    supports: Sequence[IdentityDecoded],
) -> AsyncIterator[Served]:  # fmt: skip
    await load(roll)
    await processes.save(PROCESS)
    await verifier.verify_many(supports)
    await book.keep(supports)
    desk, store = RecordingDesk(), InMemoryStore()
    for one in supports:
        for fact in one.evidence:
            await store.put(fact.object_key, f"{one.support_id}:{fact.kind.value}".encode(), "")
    hearing = Hearing(book, store, desk, lambda: NOW + timedelta(days=1))  # after the outcomes
    app = Starlette(routes=hearing_routes(HearingRoutes(hearing, processes, SECRET)))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        yield Served(client, desk, store)


@contextlib.asynccontextmanager
async def in_memory(supports: Sequence[IdentityDecoded]) -> AsyncIterator[Served]:
    roll, processes, book = InMemoryVoterRoll(), InMemoryProcesses(), InMemorySupportBook()
    verifier = Verifier(roll, processes, book, ticking())
    async for served in _serve(roll, processes, verifier, InMemoryHearingBook(book), supports):
        yield served


@contextlib.asynccontextmanager
async def on_postgres(
    pool: asyncpg.Pool, supports: Sequence[IdentityDecoded]
) -> AsyncIterator[Served]:
    await migrate(pool, "verification", "apoyo_verification")
    roll, processes = PgVoterRoll(pool), PgProcesses(pool)
    verifier = Verifier(roll, processes, PgSupportBook(pool), ticking())
    async for served in _serve(roll, processes, verifier, PgHearingBook(pool), supports):
        yield served
