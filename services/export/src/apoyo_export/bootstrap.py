"""Wiring of the export service: records and jobs in PostgreSQL, four subscriptions, the
job loop and the HTTP routes."""

from apoyo_common.access.postgres import PgAccessLog
from apoyo_common.kafka import TRICKLE
from apoyo_common.runtime import Infrastructure, ServiceUnit, consume, consume_batch
from apoyo_common.signing import institute_key
from apoyo_common.token_keys import checked_keys
from apoyo_common.topics import (
    PROCESS_CELLS,
    PROCESS_DEFINED,
    SUPPORT_CAPTURED,
    SUPPORT_NOTIFIED,
)
from apoyo_export.adapters.postgres import PgProcesses, PgRecords
from apoyo_export.adapters.postgres_jobs import PgJobs
from apoyo_export.exporter import Exporter
from apoyo_export.handlers import SERVICE, Handlers
from apoyo_export.http import export_routes
from apoyo_export.openapi import export_api

BATCH = 200  # messages a poll hands over at most


def build(infra: Infrastructure) -> ServiceUnit:
    records, processes = PgRecords(infra.pool, keyring=infra.keyring), PgProcesses(infra.pool)
    key = institute_key(infra.settings.signing_key_file)
    exporter = Exporter(PgJobs(infra.pool), records, processes, infra.store, key, infra.clock)
    keys, revocations = checked_keys(infra.settings, infra.pool)
    unit = ServiceUnit(
        SERVICE,
        "apoyo_export",
        tasks=[exporter.run_forever, revocations.refresh_forever],
        routes=export_routes(
            exporter, infra.store, keys, PgAccessLog(infra.pool, SERVICE, infra.clock)
        ),
        api=export_api(),
        extra={"exporter": exporter},
    )
    handlers = Handlers(records, processes, infra.publisher, infra.clock)
    # In batches, even at a trickle: one fetch, one offset commit and one produce request a
    # batch instead of a message (a failed batch is handled again one by one).
    h = handlers
    consume_batch(infra, unit, SUPPORT_NOTIFIED, h.on_notified_many, h.on_notified, BATCH, TRICKLE)
    consume_batch(infra, unit, SUPPORT_CAPTURED, h.on_captured_many, h.on_captured, BATCH, TRICKLE)
    consume(infra, unit, PROCESS_DEFINED, handlers.on_process)
    consume(infra, unit, PROCESS_CELLS, handlers.on_cells)
    return unit
