"""Wiring of the verification service.

Other services' code reaches the review desk through the unit: `unit.extra["desk"]` is a
`desk.service.ReviewDesk`, which is a `desk.referral.Desk` (see `desk_of`); a unit built
without it gets its own over the same database with `build_desk(infra)`."""

from collections.abc import Iterable

from starlette.routing import BaseRoute

from apoyo_common.access.entries import AccessLog
from apoyo_common.access.postgres import PgAccessLog
from apoyo_common.kafka import TRICKLE
from apoyo_common.outbox import OutboxRelay, PgOutbox
from apoyo_common.ratelimit import TokenBuckets
from apoyo_common.runtime import Infrastructure, ServiceUnit, consume, consume_batch
from apoyo_common.token_keys import checked_keys
from apoyo_common.tokens import Keys
from apoyo_common.topics import IDENTITY_DECODED, PROCESS_DEFINED
from apoyo_verification.adapters.book_postgres import (
    OUTBOX,
    PgAnnouncements,
    PgProcesses,
    PgSupportBook,
)
from apoyo_verification.adapters.desk_store_postgres import PgDeskStore
from apoyo_verification.adapters.hearing_postgres import PgHearingBook
from apoyo_verification.adapters.inquiry_postgres import PgInquiryBook
from apoyo_verification.adapters.postgres import PgVoterRoll
from apoyo_verification.decoded_http import decoded_route
from apoyo_verification.desk.page import page_routes as desk_pages
from apoyo_verification.desk.referral import Desk
from apoyo_verification.desk.service import ReviewDesk
from apoyo_verification.handlers import on_decoded_batch, on_process_defined
from apoyo_verification.hearing.http import HearingRoutes, hearing_routes
from apoyo_verification.hearing.page import page_routes as hearing_page
from apoyo_verification.hearing.service import Hearing
from apoyo_verification.http import progress_route
from apoyo_verification.inquiry.http import InquiryRoutes, inquiry_routes
from apoyo_verification.inquiry.page import page_routes as inquiry_page
from apoyo_verification.inquiry.service import Inquiry
from apoyo_verification.openapi import verification_api
from apoyo_verification.overview import Overview
from apoyo_verification.portal_page import page_routes as portal_page
from apoyo_verification.progress import ProgressReader
from apoyo_verification.review_http import review_routes
from apoyo_verification.review_reads import ReviewReads, review_read_routes
from apoyo_verification.service import SERVICE, Verifier
from apoyo_verification.territory import Territories
from apoyo_verification.web import static_routes

BATCH = 500  # supports a Kafka poll hands over, and the most one transaction records
# A trickle still comes in batches (about 30 supports make 64 KB): each batch costs a
# transaction, an outbox drain, a produce request and an offset commit, whatever its size.
GATHER = TRICKLE


def build(infra: Infrastructure) -> ServiceUnit:
    desk = build_desk(infra)
    verifier, processes, roll, book = (
        desk.verifier,
        desk.verifier.processes,
        desk.verifier.roll,
        desk.book,
    )
    relay = OutboxRelay(
        PgOutbox(infra.pool, OUTBOX, infra.keyring),
        infra.publisher,
        SERVICE,
        interval_s=infra.settings.outbox_interval_s,
        batch=BATCH,
        pipelined=True,
    )
    keys, revocations = checked_keys(infra.settings, infra.pool)
    access = PgAccessLog(infra.pool, SERVICE, infra.clock)
    progress = ProgressReader(processes, roll, book)
    overview = Overview(processes, progress, desk.store)
    routes = [
        progress_route(progress, keys),
        decoded_route(desk, keys, access),
        *review_routes(desk, keys, relay.nudge, access),
        *review_read_routes(ReviewReads(desk, infra.store, overview, access), keys),
        *public_routes(infra, desk, relay, access, keys),
    ]
    unit = ServiceUnit(
        SERVICE,
        "apoyo_verification",
        tasks=[relay.run_forever, revocations.refresh_forever],
        routes=routes,
        api=verification_api(),
        extra={"verifier": verifier, "relay": relay, "desk": desk, "revocations": revocations},
    )
    territories = Territories(roll, PgAnnouncements(infra.pool), infra.clock)
    consume(infra, unit, PROCESS_DEFINED, on_process_defined(processes, territories, relay))
    handle_many = on_decoded_batch(verifier, relay, BATCH)

    async def handle_one(raw: bytes) -> None:
        await handle_many([raw])

    consume_batch(infra, unit, IDENTITY_DECODED, handle_many, handle_one, BATCH, GATHER)
    return unit


def public_routes(
    infra: Infrastructure, desk: ReviewDesk, relay: OutboxRelay, access: AccessLog, keys: Keys
) -> list[BaseRoute]:
    """The aspirant's hearing and the citizen's "was it me?", with their pages."""
    settings = infra.settings
    secret = settings.token_secret.get_secret_value()
    hearing = Hearing(PgHearingBook(infra.pool), infra.store, desk)
    inquiry = Inquiry(
        PgInquiryBook(infra.pool, infra.keyring), desk.verifier.roll, desk, infra.clock, secret,
        settings.citizen_key_secret.get_secret_value().encode(), on_mail=relay.nudge,
        token_keys=keys,
    )  # fmt: skip
    lookup = InquiryRoutes(
        inquiry,
        TokenBuckets(settings.lookup_rate_ip_per_s, settings.lookup_rate_ip_burst),
        TokenBuckets(settings.lookup_rate_clave_per_s, settings.lookup_rate_clave_burst),
        access,
        settings.lookup_floor_s,
        settings.echo_secrets,
    )
    return [
        *hearing_routes(HearingRoutes(hearing, desk.verifier.processes, keys, access)),
        *inquiry_routes(lookup),
        *hearing_page(),
        *inquiry_page(),
        *portal_page(),
        *desk_pages(),
        *static_routes(),
    ]


def build_desk(infra: Infrastructure) -> ReviewDesk:
    """The review desk over the deployment's PostgreSQL: what a unit built beside verification
    (or a command) uses to refer supports; every instance shares the same state."""
    processes, roll, book = (
        PgProcesses(infra.pool),
        PgVoterRoll(infra.pool),
        PgSupportBook(infra.pool, infra.keyring),
    )
    person_secret = infra.settings.citizen_key_secret.get_secret_value().encode()
    verifier = Verifier(roll, processes, book, infra.clock, person_secret)
    second = infra.settings.review_second_reviewer
    store = PgDeskStore(infra.pool, infra.keyring)
    return ReviewDesk(store, book, verifier, infra.clock, second)


def desk_of(units: Iterable[ServiceUnit]) -> Desk:
    """The review desk among built units (`apoyo serve verification`, or `serve all`)."""
    found = next(u.extra["desk"] for u in units if u.name == SERVICE)
    assert isinstance(found, ReviewDesk)
    return found
