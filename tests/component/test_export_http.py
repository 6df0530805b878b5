"""`POST /v1/exports`, `GET /v1/exports/{id}` and `.../package` in the app that serves every
unit together, with their roles and refusals."""

from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import asyncpg
import httpx
import pytest

from apoyo_common.codes import Role
from apoyo_common.signing import load_public_pem
from apoyo_common.tokens import Principal, issue
from apoyo_export.exporter import Exporter
from apoyo_export.verify import verify_package
from tests.component.all_units import all_units
from tests.component.test_export_jobs import stock

pytestmark = pytest.mark.component
SECRET = "export-test-secret-of-at-least-32-bytes!"
BODY = {"process_id": "gub-son-2027", "aspirant_id": "asp-01"}


@pytest.fixture
async def served(
    pool: asyncpg.Pool, tmp_path: Path
) -> AsyncIterator[tuple[httpx.AsyncClient, Exporter]]:
    key = tmp_path / "institute.pem"
    async with all_units(pool, tmp_path, SECRET, signing_key_file=key) as units:
        exporter = units.exposed("export", "exporter")
        assert isinstance(exporter, Exporter)
        yield units.client, exporter


def bearer(role: Role, process: str | None = None, aspirant: str | None = None) -> dict[str, str]:
    token = issue(SECRET, Principal(role, "t", process, aspirant), timedelta(minutes=5))
    return {"Authorization": f"Bearer {token}"}


async def test_the_institute_requests_follows_and_downloads_a_package(
    served: tuple[httpx.AsyncClient, Exporter], tmp_path: Path
) -> None:
    client, exporter = served
    ople = bearer(Role.OPLE)  # issued here: a module-level token expires in a long run
    await stock(exporter, 4)
    asked = await client.post("/v1/exports", json=BODY, headers=ople)
    assert asked.status_code == 202 and asked.json()["status"] == "PENDING"
    export_id = asked.json()["export_id"]
    early = await client.get(f"/v1/exports/{export_id}/package", headers=ople)
    assert (early.status_code, early.json()["error"]) == (409, "not_ready")
    assert await exporter.run_once()
    shown = (await client.get(f"/v1/exports/{export_id}", headers=ople)).json()
    assert (shown["status"], shown["supports"], shown["process_id"]) == ("READY", 4, "gub-son-2027")
    listed = await client.get("/v1/exports?process_id=gub-son-2027", headers=ople)
    assert listed.json() == {"exports": [shown]}  # the newest job of each aspirant
    package = await client.get(f"/v1/exports/{export_id}/package", headers=ople)
    assert package.status_code == 200
    assert package.headers["content-type"] == "application/zip"
    assert int(package.headers["content-length"]) == shown["package_bytes"]
    (tmp_path / "p.zip").write_bytes(package.content)
    pem = await client.get("/v1/certificates/public-key.pem")  # the key certificates carry
    verdict = verify_package(tmp_path / "p.zip", load_public_pem(pem.content))
    assert verdict.problems == [] and verdict.supports == 4


async def test_only_the_institute_may_and_bad_requests_are_refused(
    served: tuple[httpx.AsyncClient, Exporter],
) -> None:
    client, exporter = served
    ople = bearer(Role.OPLE)
    await stock(exporter, 1)
    aspirant = bearer(Role.ASPIRANT, "gub-son-2027", "asp-01")
    refusals = [
        (await client.post("/v1/exports", json=BODY), 401, "unauthorized"),
        (await client.post("/v1/exports", json=BODY, headers=aspirant), 403, "forbidden"),
        (await client.post("/v1/exports", content=b"{no", headers=ople), 400, "invalid_json"),
        (
            await client.post("/v1/exports", json={"process_id": 1}, headers=ople),
            422, "invalid_request",
        ),
        (
            await client.post("/v1/exports", json=BODY | {"process_id": "otro"}, headers=ople),
            422, "unknown_process",
        ),
        (
            await client.post("/v1/exports", json=BODY | {"aspirant_id": "x"}, headers=ople),
            422, "unknown_aspirant",
        ),
        (await client.get("/v1/exports/nope", headers=ople), 404, "not_found"),
        (await client.get("/v1/exports/nope/package", headers=ople), 404, "not_found"),
        (await client.get("/v1/exports/nope", headers=bearer(Role.AUXILIARY)), 403, "forbidden"),
        (await client.get("/v1/exports", headers=ople), 422, "invalid_request"),
        (await client.get("/v1/exports?process_id=x", headers=aspirant), 403, "forbidden"),
    ]  # fmt: skip
    for answer, status, code in refusals:
        assert (answer.status_code, answer.json()["error"]) == (status, code)
        assert answer.json()["detail"]
