"""`apoyo process reverify`: a process judged again against another loaded cut (see
apoyo_verification.reverify). The events it writes go out through verification's outbox,
published by the running verification service (or `serve all`) on its next tick."""

from datetime import date

import asyncpg

from apoyo_capture.adapters.postgres import PgCaptureRepository
from apoyo_common.db import create_pool, migrate
from apoyo_common.keyring import Keyring
from apoyo_common.keyring.settings import keyring_from_settings
from apoyo_common.runtime import utcnow
from apoyo_common.settings import Settings
from apoyo_verification.adapters.book_postgres import PgProcesses, PgSupportBook
from apoyo_verification.adapters.desk_store_postgres import PgDeskStore
from apoyo_verification.adapters.postgres import PgVoterRoll
from apoyo_verification.reverify import Report, Reverifier
from apoyo_verification.service import Verifier


def reverifier(
    pool: asyncpg.Pool, batch: int, person_secret: bytes, keyring: Keyring | None = None
) -> Reverifier:
    book = PgSupportBook(pool, keyring)
    verifier = Verifier(PgVoterRoll(pool), PgProcesses(pool), book, utcnow, person_secret)
    return Reverifier(verifier, PgDeskStore(pool, keyring), utcnow, batch)


async def reverify_process(settings: Settings, process_id: str, cut: date, batch: int) -> Report:
    """Raises UnknownProcess or UnknownCut before anything changes."""
    pool = await create_pool(settings.database_url, 2)
    try:
        for schema in ("capture", "verification"):
            await migrate(pool, schema, f"apoyo_{schema}")
        person_secret = settings.citizen_key_secret.get_secret_value().encode()
        work = reverifier(pool, batch, person_secret, keyring_from_settings(settings, pool))
        await work.switch(process_id, cut)
        # The process's owner gets the new cut too, and tells every service (process.defined),
        # so that a later `process create` of the same definition is the one to change it.
        switched = await work.verifier.processes.get(process_id)
        assert switched is not None
        await PgCaptureRepository(pool).save_process(switched)
        return await work.run(process_id, cut)
    finally:
        await pool.close()
