"""Wiring of the verification service."""

from apoyo_common.outbox import OutboxRelay, PgOutbox
from apoyo_common.runtime import Infrastructure, ServiceUnit, consume
from apoyo_common.topics import IDENTITY_DECODED, PROCESS_DEFINED
from apoyo_verification.adapters.book_postgres import OUTBOX, PgProcesses, PgSupportBook
from apoyo_verification.adapters.postgres import PgVoterRoll
from apoyo_verification.handlers import on_decoded, on_process_defined
from apoyo_verification.service import SERVICE, Verifier


def build(infra: Infrastructure) -> ServiceUnit:
    processes = PgProcesses(infra.pool)
    verifier = Verifier(PgVoterRoll(infra.pool), processes, PgSupportBook(infra.pool), infra.clock)
    relay = OutboxRelay(
        PgOutbox(infra.pool, OUTBOX),
        infra.publisher,
        SERVICE,
        interval_s=infra.settings.outbox_interval_s,
    )
    unit = ServiceUnit(
        SERVICE,
        "apoyo_verification",
        tasks=[relay.run_forever],
        extra={"verifier": verifier, "relay": relay},
    )
    consume(infra, unit, PROCESS_DEFINED, on_process_defined(processes))
    consume(infra, unit, IDENTITY_DECODED, on_decoded(verifier, relay))
    return unit
