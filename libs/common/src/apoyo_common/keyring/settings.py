"""The keyring a deployment's settings describe."""

import asyncpg

from apoyo_common.keyring.keyring import Keyring
from apoyo_common.keyring.kms import key_file_kms
from apoyo_common.keyring.postgres import PgDataKeys
from apoyo_common.settings import Settings


def keyring_from_settings(settings: Settings, pool: asyncpg.Pool) -> Keyring:
    kms = None if settings.kek_file is None else key_file_kms(settings.kek_file)
    return Keyring(kms, PgDataKeys(pool), settings.key_cache_s)
