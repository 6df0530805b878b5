"""`GET /v1/processes/{p}/aspirants/{a}/progress` in the app that serves every unit together
(capture's app is mounted at the root: the route must still be reached), with its roles."""

from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import asyncpg
import httpx
import pytest

from apoyo_common.codes import Role
from apoyo_common.tokens import Principal, issue
from apoyo_verification.adapters.book_postgres import PgProcesses
from apoyo_verification.adapters.postgres import PgVoterRoll
from apoyo_verification.service import Verifier
from tests.component.all_units import all_units
from tests.component.test_verification_duplicates import CITIZENS, load, support
from tests.unit.verification.cases import PROCESS

pytestmark = pytest.mark.component
PATH = "/v1/processes/gub-son-2027/aspirants/{}/progress"
SECRET = "progress-test-secret-of-at-least-32-bytes"


@pytest.fixture
async def client(pool: asyncpg.Pool, tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    async with all_units(pool, tmp_path, SECRET) as served:
        await load(PgVoterRoll(pool))
        await PgProcesses(pool).save(PROCESS)
        verifier = served.exposed("verification", "verifier")
        assert isinstance(verifier, Verifier)
        await verifier.verify_many(
            [
                support(0, "a", "asp-01", 0),
                support(1, "b", "asp-01", 1),
                support(0, "c", "asp-02", 2),  # a duplicate of another aspirant
                support(CITIZENS, "d", "asp-01", 3),  # not in the roll
            ]
        )
        yield served.client


def bearer(role: Role, process: str | None, aspirant: str | None) -> dict[str, str]:
    token = issue(SECRET, Principal(role, "t", process, aspirant), timedelta(minutes=5))
    return {"Authorization": f"Bearer {token}"}


async def test_the_institute_sees_an_aspirants_progress(client: httpx.AsyncClient) -> None:
    answer = await client.get(PATH.format("asp-01"), headers=bearer(Role.OPLE, None, None))
    assert answer.status_code == 200
    assert answer.json() == {
        "required": 1,  # ceil(3 % of 8 LN records)
        "valid": 2,
        "ln_total": CITIZENS,
        "by_status": {"EN_LISTA_NOMINAL": 2, "NO_ENCONTRADO": 1},
        "dispersion": None,
        "met": True,
    }


async def test_an_aspirant_sees_its_own_progress_and_nobody_elses(
    client: httpx.AsyncClient,
) -> None:
    own = bearer(Role.ASPIRANT, "gub-son-2027", "asp-02")
    answer = await client.get(PATH.format("asp-02"), headers=own)
    assert answer.status_code == 200
    assert answer.json()["by_status"] == {"DUPLICADO_OTRO_ASPIRANTE": 1}
    other = await client.get(PATH.format("asp-01"), headers=own)
    assert other.status_code == 403 and other.json()["error"] == "forbidden"
    elsewhere = bearer(Role.ASPIRANT, "otro-proceso", "asp-02")
    assert (await client.get(PATH.format("asp-02"), headers=elsewhere)).status_code == 403


@pytest.mark.parametrize("role", [Role.AUXILIARY, Role.CITIZEN])
async def test_auxiliaries_and_citizens_are_refused(client: httpx.AsyncClient, role: Role) -> None:
    answer = await client.get(PATH.format("asp-01"), headers=bearer(role, "gub-son-2027", "asp-01"))
    assert answer.status_code == 403


@pytest.mark.parametrize("authorization", [None, "Bearer nope", "Basic abc"])
async def test_no_valid_token_is_401(client: httpx.AsyncClient, authorization: str | None) -> None:
    headers = {} if authorization is None else {"Authorization": authorization}
    answer = await client.get(PATH.format("asp-01"), headers=headers)
    assert answer.status_code == 401 and answer.json()["error"] == "unauthorized"
    assert isinstance(answer.json()["detail"], str)


@pytest.mark.parametrize(
    "path",
    [PATH.format("asp-09"), "/v1/processes/otro-proceso/aspirants/asp-01/progress"],
)
async def test_an_unknown_process_or_aspirant_is_404(client: httpx.AsyncClient, path: str) -> None:
    answer = await client.get(path, headers=bearer(Role.OPLE, None, None))
    assert answer.status_code == 404 and answer.json()["error"] == "not_found"


async def test_capture_routes_still_answer_beside_it(client: httpx.AsyncClient) -> None:
    answer = await client.get("/v1/supports/nadie", headers=bearer(Role.OPLE, None, None))
    assert answer.status_code == 404 and answer.json()["error"] == "not_found"
