"""`apoyo process purge` on a deployment of five processes on Kafka, PostgreSQL and S3: after
it, the evidence is gone from S3, a ciphertext copied before cannot be decrypted (its data key
is destroyed), no row of the process is left, and the aggregates and a signed record stay."""

import asyncio
import json
from contextlib import aclosing
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest

from apoyo.purge.record import is_authentic
from apoyo_common.keyring import DataKeyDestroyed, is_sealed
from apoyo_common.keyring.settings import keyring_from_settings
from apoyo_common.signing import load_or_create_key
from apoyo_common.storage.s3 import S3Store
from tests.e2e.conftest import PROCESS, aux_token, client, people, settings_of
from tests.e2e.harness import TABLES, Deployment
from tests.e2e.posting import post_many
from tests.e2e.test_export_package import export, progress_of

pytestmark = pytest.mark.e2e
SUPPORTS = 6
EVIDENCE = "evidence/gub-son-2027/"


async def clear_the_desk(deployed: Deployment) -> int:
    """Decide every open item, as the institute must before a purge; how many."""
    token = deployed.cli("token", "issue", "--role", "ople", "--subject", "ople:e2e")
    base = f"http://127.0.0.1:{deployed.ports['verification']}"
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(base_url=base, timeout=60, headers=headers) as http:
        queue = await http.get(
            "/v1/review/queue", params={"process_id": "gub-son-2027", "limit": 200}
        )
        items = queue.json()["items"]
        for item in items:
            body = {"decision": "INCONSISTENCIA", "reason": "ILEGIBLE", "note": "e2e"}
            answer = await http.post(f"/v1/review/items/{item['support_id']}/decision", json=body)
            assert answer.status_code == 200, answer.text
    return len(items)


async def settle(deployed: Deployment, supports: int, seconds: float = 120) -> None:
    """Until the desk's revisions have reached export: no late event re-creates a row."""
    sql = (
        "SELECT count(*) FROM verification.supports v JOIN export.records r USING (support_id) "
        "WHERE r.status = v.status AND NOT EXISTS "
        "(SELECT 1 FROM verification.outbox WHERE published_at IS NULL)"
    )
    conn = await asyncpg.connect(deployed.dsn)
    try:
        deadline = asyncio.get_running_loop().time() + seconds
        while int(await conn.fetchval(sql)) < supports:
            assert asyncio.get_running_loop().time() < deadline, "revisions did not settle"
            await asyncio.sleep(0.5)
    finally:
        await conn.close()


async def rows_left(deployed: Deployment) -> dict[str, int]:
    conn = await asyncpg.connect(deployed.dsn)
    try:
        sql = "SELECT count(*) FROM {}"  # the deployment's database holds this process alone
        return {s: int(await conn.fetchval(sql.format(t))) for s, t in TABLES.items()}
    finally:
        await conn.close()


def end_the_process(deployed: Deployment) -> None:
    """Time passes: the process's window is moved to a month ago (`process create` updates)."""
    now = datetime.now(UTC)
    window = {"start": (now - timedelta(days=40)).isoformat(),
              "end": (now - timedelta(days=30)).isoformat()}  # fmt: skip
    deployed.create_process(PROCESS | {"capture": window})


async def scenario(deployed: Deployment, folder: Path) -> None:
    async with client(deployed) as http:
        accepted = await post_many(
            http, aux_token(deployed), people(deployed, SUPPORTS, seed=41), "x", photos=True
        )
    await deployed.exported_ids(len(accepted))
    if await clear_the_desk(deployed):
        await settle(deployed, len(accepted))
    await export(deployed, "asp-01", folder / "paquete.zip")
    progress = await progress_of(deployed, "asp-01")
    async with aclosing(S3Store.from_settings(settings_of(deployed))) as s3:
        record = await purge_and_check(deployed, s3)
    assert await progress_of(deployed, "asp-01") == progress  # the aggregates stay
    signing = load_or_create_key(Path(deployed.env["APOYO_SIGNING_KEY_FILE"]))
    assert is_authentic(record, signing.public_key())
    assert record["destroyed"]["data_key"] is True
    assert record["destroyed"]["rows"]["capture.supports"] == len(accepted)


async def purge_and_check(deployed: Deployment, s3: S3Store) -> dict[str, Any]:
    """Purge the ended process; its evidence, exports, certificates and rows are gone, and a
    ciphertext copied before cannot be opened. The signed record of the purge."""
    [key, *_] = await s3.keys(EVIDENCE)
    copied = await s3.get(key)  # as a backup would hold it
    assert is_sealed(copied) and await s3.keys("exports/gub-son-2027/")

    end_the_process(deployed)
    record: dict[str, Any] = json.loads(deployed.cli("process", "purge", "gub-son-2027"))

    assert await s3.keys(EVIDENCE) == [] and await s3.keys("exports/gub-son-2027/") == []
    assert await s3.keys("certificates/gub-son-2027/") == []
    assert await rows_left(deployed) == dict.fromkeys(TABLES, 0)
    pool = await asyncpg.create_pool(deployed.dsn, min_size=1, max_size=2)
    try:
        with pytest.raises(DataKeyDestroyed):
            await keyring_from_settings(settings_of(deployed), pool).open(
                "gub-son-2027", key, copied
            )
    finally:
        await pool.close()
    return record


def test_a_purged_process_leaves_no_readable_evidence(running: Deployment, tmp_path: Path) -> None:
    asyncio.run(scenario(running, tmp_path))
