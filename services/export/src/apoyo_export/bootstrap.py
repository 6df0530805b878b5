"""Wiring of the export service: records and jobs in PostgreSQL, four subscriptions, the
job loop and the HTTP routes."""

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from apoyo_common.logs import get_logger
from apoyo_common.runtime import Infrastructure, ServiceUnit, consume
from apoyo_common.settings import Settings
from apoyo_common.signing import load_or_create_key
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

log = get_logger(__name__)


def signing_key(settings: Settings) -> Ed25519PrivateKey:
    """The institute's key, the one capture signs certificates with (apoyo_common.signing)."""
    if settings.signing_key_file is not None:
        return load_or_create_key(settings.signing_key_file)
    log.warning("signing_key_ephemeral", hint="set APOYO_SIGNING_KEY_FILE")
    return Ed25519PrivateKey.generate()


def build(infra: Infrastructure) -> ServiceUnit:
    records, processes = PgRecords(infra.pool), PgProcesses(infra.pool)
    exporter = Exporter(
        PgJobs(infra.pool), records, processes, infra.store, signing_key(infra.settings),
        infra.clock,
    )  # fmt: skip
    secret = infra.settings.token_secret.get_secret_value()
    unit = ServiceUnit(
        SERVICE,
        "apoyo_export",
        tasks=[exporter.run_forever],
        routes=export_routes(exporter, infra.store, secret),
        extra={"exporter": exporter},
    )
    handlers = Handlers(records, processes, infra.publisher, infra.clock)
    consume(infra, unit, SUPPORT_NOTIFIED, handlers.on_notified)
    consume(infra, unit, SUPPORT_CAPTURED, handlers.on_captured)
    consume(infra, unit, PROCESS_DEFINED, handlers.on_process)
    consume(infra, unit, PROCESS_CELLS, handlers.on_cells)
    return unit
