"""The portal's support routes in the app that serves every unit: the list with its filters
and pages, one support's details and images, and an aspirant never reaching another's."""

from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import asyncpg
import httpx
import pytest

from apoyo_capture.adapters.postgres import PgCaptureRepository
from apoyo_capture.service import CaptureService
from apoyo_common.codes import Role
from apoyo_common.tokens import Principal, issue
from tests.component.all_units import all_units
from tests.component.test_capture_support_lists import stock
from tests.factories import JPEG, captured, process

pytestmark = pytest.mark.component
SECRET = "portal-test-secret-of-at-least-32-bytes!"
LIST = "/v1/processes/gub-son-2027/aspirants/{}/supports"


@pytest.fixture
async def client(pool: asyncpg.Pool, tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    async with all_units(pool, tmp_path, SECRET, signing_key_file=tmp_path / "k.pem") as units:
        service = units.exposed("capture", "service")
        repository = units.exposed("capture", "repository")
        assert isinstance(service, CaptureService)
        assert isinstance(repository, PgCaptureRepository)
        await repository.save_process(process())
        await stock(repository)
        for ref in captured("s-1").evidence:
            await service.store.put(ref.object_key, JPEG, ref.content_type)
        yield units.client


def bearer(
    role: Role, aspirant: str | None = None, process: str = "gub-son-2027"
) -> dict[str, str]:
    token = issue(SECRET, Principal(role, "t", process, aspirant), timedelta(minutes=5))
    return {"Authorization": f"Bearer {token}"}


async def test_the_aspirant_pages_filters_and_opens_a_support(client: httpx.AsyncClient) -> None:
    mine = bearer(Role.ASPIRANT, "asp-01")
    first = await client.get(LIST.format("asp-01"), params={"limit": 5}, headers=mine)
    assert first.status_code == 200, first.text
    body = first.json()
    assert [s["support_id"] for s in body["supports"]] == ["s-8", "s-7", "s-6", "s-5", "s-4"]
    rest = await client.get(LIST.format("asp-01"), params={"after": body["next"]}, headers=mine)
    assert [s["support_id"] for s in rest.json()["supports"]] == ["s-3", "s-2", "s-1", "s-0"]
    assert rest.json()["next"] is None
    found = await client.get(
        LIST.format("asp-01"), params={"reason": "FOTOCOPIA", "channel": "CEDULA_PAPEL"},
        headers=mine,
    )  # fmt: skip
    [support] = found.json()["supports"]
    assert support["status"] == "INCONSISTENCIA" and support["reasons"] == ["FOTOCOPIA"]
    details = (await client.get("/v1/supports/s-1/details", headers=mine)).json()
    assert details["form"]["clave_elector"] and details["reasons"] == ["FOTOCOPIA"]
    assert details["certificate"] == "/v1/supports/s-1/certificate"
    image = await client.get(details["evidence"][0]["url"], headers=mine)
    assert image.status_code == 200 and image.content == JPEG
    assert image.headers["cache-control"] == "private, no-store"
    counts = await client.get(
        "/v1/processes/gub-son-2027/aspirants/asp-01/auxiliaries", headers=mine
    )
    rates = {row["captured_by"]: row["rejection_rate"] for row in counts.json()["auxiliaries"]}
    assert rates == {"aux-1": 1.0, "aux-2": 0.5}


async def test_another_aspirant_reaches_none_of_it(client: httpx.AsyncClient) -> None:
    spy = bearer(Role.ASPIRANT, "asp-02")
    for path in (
        LIST.format("asp-01"),
        "/v1/supports/s-1/details",
        "/v1/supports/s-1/evidence/credential_front",
        "/v1/supports/s-1",
    ):
        answer = await client.get(path, headers=spy)
        assert (answer.status_code, answer.json()["error"]) == (403, "forbidden"), path
        assert "FOTOCOPIA" not in answer.text and "clave_elector" not in answer.text
    other_process = bearer(Role.ASPIRANT, "asp-01", process="otro-proceso")
    answer = await client.get(LIST.format("asp-01"), headers=other_process)
    assert answer.status_code == 403
    theirs = await client.get(LIST.format("asp-02"), headers=spy)
    assert [s["support_id"] for s in theirs.json()["supports"]] == ["t-0"]
    institute = await client.get(LIST.format("asp-01"), headers=bearer(Role.OPLE))
    assert len(institute.json()["supports"]) == 9


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"status": "VALIDO"}, "invalid_status"),
        ({"channel": "FAX"}, "invalid_channel"),
        ({"reason": "fotocopia"}, "invalid_reason"),
        ({"since": "ayer"}, "invalid_since"),
        ({"until": "2026-12-20T10:00:00"}, "invalid_until"),
        ({"after": "no-es-un-cursor"}, "invalid_cursor"),
        ({"limit": "0"}, "invalid_limit"),
        ({"limit": "201"}, "invalid_limit"),
    ],
)
async def test_bad_queries_are_refused_clearly(
    client: httpx.AsyncClient, params: dict[str, str], code: str
) -> None:
    answer = await client.get(LIST.format("asp-01"), params=params, headers=bearer(Role.OPLE))
    assert (answer.status_code, answer.json()["error"]) == (422, code)


async def test_without_a_token_nothing_and_the_routes_are_documented(
    client: httpx.AsyncClient,
) -> None:
    for path in (LIST.format("asp-01"), "/v1/supports/s-1/details"):
        assert (await client.get(path)).status_code == 401
    missing = await client.get("/v1/supports/nada/details", headers=bearer(Role.OPLE))
    assert missing.status_code == 404
    no_image = await client.get("/v1/supports/s-1/evidence/selfie", headers=bearer(Role.OPLE))
    assert (no_image.status_code, no_image.json()["error"]) == (404, "not_found")
    # s-2's images were never put in the store (as after a purge, or a lost object).
    gone = await client.get("/v1/supports/s-2/evidence/credential_front", headers=bearer(Role.OPLE))
    assert (gone.status_code, gone.json()["error"]) == (404, "not_found")
    paths = (await client.get("/openapi.json")).json()["paths"]
    assert {
        "/v1/processes/{process_id}/aspirants/{aspirant_id}/supports",
        "/v1/supports/{support_id}/details",
        "/v1/supports/{support_id}/evidence/{kind}",
    } <= set(paths)
