"""The keyring a deployment's settings describe."""

import asyncpg

from apoyo_common.keyring.keyring import Keyring
from apoyo_common.keyring.kms import key_file_kms
from apoyo_common.keyring.postgres import PgDataKeys
from apoyo_common.logs import get_logger
from apoyo_common.settings import Settings

log = get_logger(__name__)


def keyring_from_settings(settings: Settings, pool: asyncpg.Pool) -> Keyring:
    if settings.kek_file is None:
        log.warning("encryption_at_rest_off", hint="set APOYO_KEK_FILE")
    kms = None if settings.kek_file is None else key_file_kms(settings.kek_file)
    return Keyring(kms, PgDataKeys(pool), settings.key_cache_s)
