"""`apoyo keys rotate|retire` on PostgreSQL: a new KEK wraps every data key again, the old one
can then be retired, and what was sealed before still opens; a KEK in use, or the current
one, is not retired."""

import asyncio
import json
from pathlib import Path

import asyncpg
import pytest
from typer.testing import CliRunner, Result

from apoyo.cli import app
from apoyo_common.keyring import Keyring, key_file_kms
from apoyo_common.keyring.postgres import PgDataKeys

pytestmark = pytest.mark.component


async def apoyo(database: str, key_file: Path, *args: str) -> Result:
    env = {"APOYO_DATABASE_URL": database, "APOYO_KEK_FILE": str(key_file)}
    return await asyncio.to_thread(lambda: CliRunner().invoke(app, list(args), env=env))


async def test_rotate_then_retire_keeps_every_value_readable(
    database: str, pool: asyncpg.Pool, tmp_path: Path
) -> None:
    path, keys = tmp_path / "institute-keys.json", PgDataKeys(pool)
    await keys.ensure_ready()
    before = Keyring(key_file_kms(path), keys)
    old = before.kms.current_kek_id() if before.kms else ""
    sealed = {p: await before.seal(p, "s-1/curp", b"CURP-" + p.encode()) for p in ("p-1", "p-2")}

    refused = await apoyo(database, path, "keys", "retire", old)
    assert refused.exit_code == 1 and "aún envuelve 2" in refused.output

    rotated = await apoyo(database, path, "keys", "rotate")
    assert rotated.exit_code == 0, rotated.output
    answer = json.loads(rotated.stdout)
    assert answer["rewrapped"] == 2 and answer["kek_id"] != old
    current = await apoyo(database, path, "keys", "retire", answer["kek_id"])
    assert current.exit_code == 1
    retired = await apoyo(database, path, "keys", "retire", old)
    assert retired.exit_code == 0, retired.output
    assert old not in path.read_text()

    after = Keyring(key_file_kms(path), keys)
    for process, blob in sealed.items():
        assert await after.open(process, "s-1/curp", blob) == b"CURP-" + process.encode()


async def test_rotate_makes_the_key_file_when_there_is_none(database: str, tmp_path: Path) -> None:
    path = tmp_path / "nueva" / "institute-keys.json"
    made = await apoyo(database, path, "keys", "rotate")
    assert made.exit_code == 0, made.output
    assert json.loads(made.stdout)["rewrapped"] == 0
    assert key_file_kms(path).current_kek_id() == json.loads(made.stdout)["kek_id"]
