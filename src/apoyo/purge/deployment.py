"""`apoyo process purge` against a deployment's settings (environment or embedded DATA)."""

from datetime import datetime
from typing import Any

from apoyo.production import object_store
from apoyo.purge.command import Purge
from apoyo.purge.rules import PurgeRefused
from apoyo_common.db import create_pool, migrate
from apoyo_common.keyring.settings import keyring_from_settings
from apoyo_common.runtime import utcnow
from apoyo_common.settings import Settings
from apoyo_common.signing import load_or_create_key
from apoyo_common.storage import ListingStore

SCHEMAS = ("capture", "identity", "verification", "notification", "export")


async def purge_process(
    settings: Settings, process_id: str, now: datetime | None = None
) -> dict[str, Any]:
    """The signed record of the purge; PurgeRefused when it may not happen (now)."""
    if settings.signing_key_file is None:
        raise PurgeRefused("sin APOYO_SIGNING_KEY_FILE no se puede firmar el acta de depuración")
    store = object_store(settings)
    if not isinstance(store, ListingStore):
        raise PurgeRefused("el almacén de objetos no puede listar sus llaves")
    pool = await create_pool(settings.database_url, 2)
    try:
        for schema in SCHEMAS:
            await migrate(pool, schema, f"apoyo_{schema}")
        keyring = keyring_from_settings(settings, pool)
        await keyring.keys.ensure_ready()
        key = load_or_create_key(settings.signing_key_file)
        return await Purge(pool, store, keyring, key).run(process_id, now or utcnow())
    finally:
        await pool.close()
