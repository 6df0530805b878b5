"""The citizen's lookup routes over the in-memory fakes or PostgreSQL, with the real review
desk: one set of test bodies for both backends (test_inquiry_http.py)."""

import contextlib
import json
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass

import asyncpg
import httpx
from starlette.applications import Starlette

from apoyo.synthetic.people import Citizen
from apoyo_common.access.entries import AccessLog
from apoyo_common.access.memory import InMemoryAccessLog
from apoyo_common.access.postgres import PgAccessLog
from apoyo_common.db import migrate
from apoyo_common.messages import EmailCodeRequested, IdentityDecoded
from apoyo_common.ratelimit import TokenBuckets
from apoyo_common.topics import citizen_identity, citizen_key
from apoyo_verification.adapters.book_memory import InMemoryProcesses, InMemorySupportBook
from apoyo_verification.adapters.book_postgres import PgProcesses, PgSupportBook
from apoyo_verification.adapters.desk_memory import InMemoryDeskStore
from apoyo_verification.adapters.desk_store_postgres import PgDeskStore
from apoyo_verification.adapters.inquiry_memory import InMemoryInquiryBook
from apoyo_verification.adapters.inquiry_postgres import PgInquiryBook
from apoyo_verification.adapters.memory import InMemoryVoterRoll
from apoyo_verification.adapters.postgres import PgVoterRoll
from apoyo_verification.desk.ports import Referred
from apoyo_verification.desk.service import ReviewDesk
from apoyo_verification.inquiry.http import InquiryRoutes, inquiry_routes
from apoyo_verification.inquiry.ports import InquiryBook
from apoyo_verification.inquiry.service import Inquiry
from apoyo_verification.service import Verifier
from tests.component.hearing_backends import FlakyDesk, later
from tests.component.test_verification_duplicates import load, support, ticking
from tests.unit.verification.cases import PROCESS

SECRET = "inquiry-test-secret-of-at-least-32-bytes"
CITIZEN_SECRET = b"inquiry-citizen-key-secret"
LIMITS = (20.0, 200)  # generous: the tests that count their own set tighter buckets


def keyed(one: IdentityDecoded) -> IdentityDecoded:
    """The support with the citizen key identity would give it (the MRZ's OCR, else typed)."""
    ocr = one.mrz.ocr if one.mrz is not None else one.form.ocr
    identity = citizen_identity(
        support_id=one.support_id, ocr=ocr, clave_elector=one.form.clave_elector
    )
    return one.model_copy(
        update={"citizen_key": citizen_key(CITIZEN_SECRET, one.process_id, identity)}
    )


def of(who: int, support_id: str, aspirant: str, minutes: int, email: str | None = None,
       **changes: object) -> IdentityDecoded:  # fmt: skip
    made = support(who, support_id, aspirant, minutes, **changes)
    if email is not None:
        made = made.model_copy(update={"form": made.form.model_copy(update={"email": email})})
    return keyed(made)


@dataclass
class Served:
    client: httpx.AsyncClient
    desk: ReviewDesk
    routes: InquiryRoutes
    mails: "Mails"
    flaky: FlakyDesk
    access: AccessLog

    async def referrals(self, support_id: str) -> list[Referred]:
        item = await self.desk.item(support_id)
        return [] if item is None else list(item.referrals)


class Mails:
    """The lookup codes queued for notification, however the backend keeps them."""

    def __init__(self, memory: InMemoryInquiryBook | None, pool: asyncpg.Pool | None) -> None:
        self.memory, self.pool = memory, pool

    async def sent(self) -> list[EmailCodeRequested]:
        if self.memory is not None:
            return list(self.memory.mails)
        assert self.pool is not None
        rows = await self.pool.fetch(
            "SELECT payload FROM verification.outbox WHERE topic = 'email.code.requested' "
            "ORDER BY id"
        )
        return [EmailCodeRequested.model_validate(json.loads(r["payload"])) for r in rows]


async def _serve(
    desk: ReviewDesk,
    book: InquiryBook,
    mails: Mails,
    supports: Sequence[IdentityDecoded],
    access: AccessLog,
) -> AsyncIterator[Served]:
    await load(desk.verifier.roll)
    await desk.verifier.processes.save(PROCESS)
    await desk.verifier.verify_many(supports)
    flaky = FlakyDesk(desk)
    inquiry = Inquiry(book, desk.verifier.roll, flaky, later(), SECRET, CITIZEN_SECRET)
    routes = InquiryRoutes(
        inquiry, TokenBuckets(*LIMITS), TokenBuckets(*LIMITS), access, floor_s=0, echo_codes=True
    )
    app = Starlette(routes=inquiry_routes(routes))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        yield Served(client, desk, routes, mails, flaky, access)


@contextlib.asynccontextmanager
async def in_memory(supports: Sequence[IdentityDecoded]) -> AsyncIterator[Served]:
    roll, processes, book = InMemoryVoterRoll(), InMemoryProcesses(), InMemorySupportBook()
    desk = ReviewDesk(
        InMemoryDeskStore(book),
        book,
        Verifier(roll, processes, book, ticking(), CITIZEN_SECRET),
        later(),
    )
    inquiries = InMemoryInquiryBook(book, processes)
    mails = Mails(inquiries, None)
    async for served in _serve(desk, inquiries, mails, supports, InMemoryAccessLog()):
        yield served


@contextlib.asynccontextmanager
async def on_postgres(
    pool: asyncpg.Pool, supports: Sequence[IdentityDecoded]
) -> AsyncIterator[Served]:
    await migrate(pool, "verification", "apoyo_verification")
    roll, processes, book = PgVoterRoll(pool), PgProcesses(pool), PgSupportBook(pool)
    desk = ReviewDesk(
        PgDeskStore(pool), book, Verifier(roll, processes, book, ticking(), CITIZEN_SECRET), later()
    )
    access = PgAccessLog(pool, "verification")
    async for served in _serve(desk, PgInquiryBook(pool), Mails(None, pool), supports, access):
        yield served


def clave(who: Citizen) -> str:
    return who.clave_elector
