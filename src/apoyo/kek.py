"""`apoyo keys rotate|retire`: the institute's key-encryption keys (docs/security.md).

Rotating adds a KEK to the key file, makes it current and wraps every live data key with it
again (the data itself is never re-encrypted). Retiring drops an old KEK from the file once no
data key is wrapped by it any more.
"""

from pathlib import Path

from apoyo_common.db import create_pool
from apoyo_common.keyring.kms import key_file_kms, retire_from_key_file, rotate_key_file
from apoyo_common.keyring.settings import keyring_from_settings
from apoyo_common.settings import Settings


class KeysRefused(Exception):
    """Why not, in words for the operator."""


def _key_file(settings: Settings) -> Path:
    if settings.kek_file is None:
        raise KeysRefused("sin APOYO_KEK_FILE no hay llaves de cifrado que rotar")
    return settings.kek_file


async def rotate(settings: Settings) -> dict[str, object]:
    """A new current KEK (the first one when the file does not exist yet)."""
    path = _key_file(settings)
    kek_id = key_file_kms(path).current_kek_id() if not path.exists() else rotate_key_file(path)
    pool = await create_pool(settings.database_url, 2)
    try:
        keyring = keyring_from_settings(settings, pool)
        await keyring.ensure_ready()
        return {"kek_id": kek_id, "rewrapped": await keyring.rewrap()}
    finally:
        await pool.close()


async def retire(settings: Settings, kek_id: str) -> dict[str, object]:
    path = _key_file(settings)
    pool = await create_pool(settings.database_url, 2)
    try:
        keyring = keyring_from_settings(settings, pool)
        await keyring.ensure_ready()
        using = [
            r for r in await keyring.keys.all_live() if r.wrapped and r.wrapped.kek_id == kek_id
        ]
    finally:
        await pool.close()
    if using:
        raise KeysRefused(
            f"{kek_id}: aún envuelve {len(using)} llaves de datos (apoyo keys rotate)"
        )
    try:
        retire_from_key_file(path, kek_id)
    except (ValueError, LookupError) as error:
        raise KeysRefused(f"{kek_id}: {error}") from None
    return {"retired": kek_id}
