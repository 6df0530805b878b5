"""One service wired to real infrastructure from environment variables."""

from apoyo.services import BUILDERS
from apoyo_common.db import create_pool
from apoyo_common.kafka import ensure_topics, make_broker
from apoyo_common.runtime import Infrastructure
from apoyo_common.server import build_app, real_broker, serve
from apoyo_common.settings import Settings
from apoyo_common.storage import LocalFolderStore, ObjectStore
from apoyo_common.storage.s3 import S3Store


def object_store(settings: Settings) -> ObjectStore:
    if settings.storage == "local":
        return LocalFolderStore(settings.storage_dir)
    return S3Store.from_settings(settings)


async def serve_service(name: str, settings: Settings) -> None:
    await ensure_topics(settings)
    pool = await create_pool(settings.database_url, settings.db_pool_max)
    broker = make_broker(settings, client_id=f"apoyo-{name}")
    infra = Infrastructure(settings, broker, pool, object_store(settings))
    unit = BUILDERS[name](infra)

    async def broker_ready() -> bool:
        return await broker.ping(timeout=2.0)

    app = build_app(infra, [unit], lambda: real_broker(infra), pool.close, broker_ready)
    await serve(app, settings.http_host, settings.http_port)
