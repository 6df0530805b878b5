"""One service wired to real infrastructure from environment variables."""

import socket

from apoyo.services import BUILDERS
from apoyo_common.db import create_pool
from apoyo_common.kafka import ensure_topics, make_broker
from apoyo_common.lag import LagReader
from apoyo_common.runtime import Infrastructure, ServiceUnit
from apoyo_common.server import build_app, real_broker, serve
from apoyo_common.settings import Settings
from apoyo_common.storage import LocalFolderStore, ObjectStore
from apoyo_common.storage.s3 import S3Store
from apoyo_common.topics import qualified

LAG_READER = "capture"  # always running, so a stopped consumer's backlog still shows


def object_store(settings: Settings) -> ObjectStore:
    if settings.storage == "local":
        return LocalFolderStore(settings.storage_dir)
    return S3Store.from_settings(settings)


async def serve_service(
    name: str, settings: Settings, sock: socket.socket | None = None, lag: bool = True
) -> None:
    """Serve the unit on the settings' address, or on `sock` (a worker of `apoyo.workers`,
    reading the consumer lag only when `lag`)."""
    await ensure_topics(settings)
    pool = await create_pool(settings.database_url, settings.db_pool_max)
    broker = make_broker(settings, client_id=f"apoyo-{name}")
    infra = Infrastructure(settings, broker, pool, object_store(settings))
    unit = BUILDERS[name](infra)
    unit = with_lag_reader(unit, settings) if lag else unit

    async def broker_ready() -> bool:
        return await broker.ping(timeout=2.0)

    app = build_app(infra, [unit], lambda: real_broker(infra), pool.close, broker_ready)
    await serve(app, settings.http_host, settings.http_port, sock=sock)


def with_lag_reader(unit: ServiceUnit, settings: Settings) -> ServiceUnit:
    """Capture's process also reads every group's lag from Kafka (docs/operations.md)."""
    if unit.name == LAG_READER:
        groups = qualified(settings.namespace, "apoyo-")
        reader = LagReader(settings.kafka_bootstrap, groups, settings.lag_interval_s)
        unit.tasks = [*unit.tasks, reader.run_forever]
    return unit
