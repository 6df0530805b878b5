"""Supports posted over HTTP, through every service on Kafka, PostgreSQL and S3, come out as
an export package that the institute downloads and `apoyo export verify` accepts."""

import asyncio
import hashlib
import json
import subprocess
import time
import zipfile
from contextlib import aclosing
from pathlib import Path

import httpx
import pytest

from apoyo_common.signing import load_or_create_key, public_pem
from apoyo_common.storage.s3 import S3Store
from tests.e2e.conftest import aux_token, client, people, settings_of
from tests.e2e.harness import Deployment
from tests.e2e.posting import post_many
from tests.paths import APOYO

pytestmark = pytest.mark.e2e
SUPPORTS = 24


async def export(deployed: Deployment, aspirant: str, to: Path) -> dict[str, object]:
    token = deployed.cli("token", "issue", "--role", "ople", "--subject", "ople-e2e")
    headers = {"Authorization": f"Bearer {token}"}
    base = f"http://127.0.0.1:{deployed.ports['export']}"
    async with httpx.AsyncClient(base_url=base, timeout=60, headers=headers) as http:
        body = {"process_id": "gub-son-2027", "aspirant_id": aspirant}
        asked = await http.post("/v1/exports", json=body)
        assert asked.status_code == 202, asked.text
        export_id = asked.json()["export_id"]
        deadline = time.monotonic() + 180
        while (shown := (await http.get(f"/v1/exports/{export_id}")).json())["status"] == "PENDING":
            assert time.monotonic() < deadline, shown
            await asyncio.sleep(0.5)
        async with http.stream("GET", f"/v1/exports/{export_id}/package") as answer:
            assert answer.status_code == 200
            with to.open("wb") as out:
                async for chunk in answer.aiter_bytes():
                    out.write(chunk)
    return dict(shown)


async def progress_of(deployed: Deployment, aspirant: str) -> dict[str, object]:
    """What verification's progress route says of the aspirant now."""
    token = deployed.cli("token", "issue", "--role", "ople", "--subject", "ople-e2e")
    base = f"http://127.0.0.1:{deployed.ports['verification']}"
    async with httpx.AsyncClient(base_url=base, timeout=60) as http:
        answer = await http.get(
            f"/v1/processes/gub-son-2027/aspirants/{aspirant}/progress",
            headers={"Authorization": f"Bearer {token}"},
        )
        assert answer.status_code == 200, answer.text
        return dict(answer.json())


async def scenario(deployed: Deployment, folder: Path) -> tuple[list[str], dict[str, object]]:
    async with client(deployed) as http:
        accepted = await post_many(
            http, aux_token(deployed), people(deployed, SUPPORTS, seed=23), "x", photos=True
        )
    await deployed.exported_ids(len(accepted))
    shown = await export(deployed, "asp-01", folder / "paquete.zip")
    progress = await progress_of(deployed, "asp-01")
    with zipfile.ZipFile(folder / "paquete.zip") as package:
        summary = json.loads(package.read("summary.json"))
        records = [json.loads(line) for line in package.read("supports.jsonl").splitlines()]
        packed = {name: package.read(name) for name in package.namelist()}
    # Every certificate came on its support.captured (version 2), none through object storage.
    for record in records:
        document = packed[f"certificates/{record['support_id']}.json"]
        assert record["certificate_sha256"] == hashlib.sha256(document).hexdigest()
    async with aclosing(S3Store.from_settings(settings_of(deployed))) as s3:
        assert await s3.keys("certificates/") == []
    # The package's summary is the progress route's object, counted over its own records.
    assert summary.pop("supports") == shown["supports"]
    assert summary == progress and isinstance(summary["required"], int)
    assert isinstance(summary["met"], bool) and summary["ln_total"] > 0
    return accepted, shown


def test_a_package_built_on_s3_and_postgresql_verifies(running: Deployment, tmp_path: Path) -> None:
    accepted, shown = asyncio.run(scenario(running, tmp_path))
    assert len(accepted) == SUPPORTS
    assert shown["status"] == "READY"
    assert shown["supports"] == sum(1 for i in range(SUPPORTS) if i % 3)  # asp-01's share
    key = load_or_create_key(Path(running.env["APOYO_SIGNING_KEY_FILE"])).public_key()
    (tmp_path / "llave.pem").write_bytes(public_pem(key))
    done = subprocess.run(
        [APOYO, "export", "verify", str(tmp_path / "paquete.zip"), "--public-key",
         str(tmp_path / "llave.pem")],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout.startswith(f"Paquete íntegro: {shown['supports']} apoyos")
