"""The reviewers' read routes and the second reviewer over HTTP, in the app that serves every
unit together, with the desk requiring two reviewers for a rejection: an item's case file
(typed, read, the roll record), its images, the audit list, the overview, and a rejection that
waits for a second reviewer (202, then 409 for the same one, then 200)."""

from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import asyncpg
import httpx
import pytest

from apoyo_common.codes import Role
from apoyo_common.storage import LocalFolderStore
from apoyo_common.tokens import Principal, issue
from apoyo_verification.adapters.book_postgres import PgProcesses
from apoyo_verification.adapters.postgres import PgVoterRoll
from apoyo_verification.bootstrap import desk_of
from apoyo_verification.desk.service import ReviewDesk
from tests.component.all_units import all_units
from tests.component.test_verification_duplicates import CITIZENS, load, support
from tests.unit.verification.cases import PROCESS, person

pytestmark = pytest.mark.component
SECRET = "review-reads-secret-of-at-least-32-bytes!"
ITEM = "/v1/review/items/{}"
REJECT = {"decision": "INCONSISTENCIA", "reason": "FOTOCOPIA", "note": "gris"}


def bearer(
    subject: str = "ople:primera", role: Role = Role.OPLE, process: str | None = None
) -> dict[str, str]:
    # The institute's tokens reach every process unless bound to one; an aspirant's, its own.
    principal = (
        Principal(role, subject, process)
        if role is Role.OPLE
        else Principal(role, subject, "gub-son-2027", "asp-01")
    )
    token = issue(SECRET, principal, timedelta(minutes=5))
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
async def client(pool: asyncpg.Pool, tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    async with all_units(pool, tmp_path, SECRET, review_second_reviewer=True) as served:
        await load(PgVoterRoll(pool))
        await PgProcesses(pool).save(PROCESS)
        desk = desk_of(served.units)
        assert isinstance(desk, ReviewDesk) and desk.second_reviewer
        await desk.verifier.verify_many(
            [
                support(0, "blurry", flags=("BLURRY",)),
                support(1, "other", flags=("BLURRY",), minutes=1),
                support(2, "c", minutes=2),
                support(CITIZENS, "absent", minutes=3),
            ]
        )
        await LocalFolderStore(tmp_path).put("e/credential_front", b"front-bytes", "image/jpeg")
        yield served.client


async def test_the_case_file_shows_typed_read_and_the_roll_record(
    client: httpx.AsyncClient,
) -> None:
    answer = await client.get(ITEM.format("blurry") + "/case", headers=bearer())
    assert answer.status_code == 200
    case = answer.json()
    who = person(0)
    assert case["support_id"] == "blurry" and case["open"]
    assert case["typed"]["clave_elector"] == who.clave_elector
    assert case["read"]["flags"] == ["BLURRY"]
    record = case["record"]
    assert (record["clave_elector"], record["nombre"]) == (who.clave_elector, who.nombre)
    assert record["cut"] == PROCESS.cut.isoformat() and record["situacion"] == "LN"
    missing = await client.get(ITEM.format("nadie") + "/case", headers=bearer())
    assert missing.status_code == 404 and missing.json()["error"] == "not_found"


async def test_an_image_is_served_from_the_store(client: httpx.AsyncClient) -> None:
    front = await client.get(ITEM.format("blurry") + "/evidence/credential_front", headers=bearer())
    assert front.status_code == 200 and front.content == b"front-bytes"
    assert front.headers["cache-control"] == "private, no-store"
    for kind in ("credential_back", "selfie"):  # not stored / not taken
        gone = await client.get(ITEM.format("blurry") + f"/evidence/{kind}", headers=bearer())
        assert gone.status_code == 404 and gone.json()["error"] == "not_found"


async def test_a_rejection_waits_for_a_second_reviewer_and_is_audited(
    client: httpx.AsyncClient,
) -> None:
    decide = ITEM.format("blurry") + "/decision"
    first = await client.post(decide, json=REJECT, headers=bearer("ople:primera"))
    assert first.status_code == 202 and first.json()["open"]
    assert first.json()["pending_rejection"]["proposed_by"] == "ople:primera"
    again = await client.post(decide, json=REJECT, headers=bearer("ople:primera"))
    assert again.status_code == 409 and again.json()["error"] == "same_reviewer"
    queue = await client.get("/v1/review/queue?process_id=gub-son-2027", headers=bearer())
    assert queue.json()["reviewer"] == "ople:primera"
    assert [i["support_id"] for i in queue.json()["items"]] == ["blurry", "other"]
    second = await client.post(decide, json=REJECT, headers=bearer("ople:segunda"))
    assert second.status_code == 200 and second.json()["status"] == "INCONSISTENCIA"
    valid = {"decision": "VALIDO"}
    fine = await client.post(ITEM.format("other") + "/decision", json=valid, headers=bearer())
    assert fine.status_code == 200 and fine.json()["status"] == "EN_LISTA_NOMINAL"
    audit = await client.get("/v1/review/decisions?process_id=gub-son-2027", headers=bearer())
    shown = [
        (d["support_id"], d["decision"], d["decided_by"], d["proposed_by"])
        for d in audit.json()["decisions"]
    ]
    assert shown == [
        ("other", "VALIDO", "ople:primera", None),
        ("blurry", "INCONSISTENCIA", "ople:segunda", "ople:primera"),
    ]
    page = await client.get(
        "/v1/review/decisions?process_id=gub-son-2027&limit=1", headers=bearer()
    )
    [newest] = page.json()["decisions"]
    older = await client.get(
        f"/v1/review/decisions?process_id=gub-son-2027&before={page.json()['next_before']}",
        headers=bearer(),
    )
    assert newest["support_id"] == "other"
    assert [d["support_id"] for d in older.json()["decisions"]] == ["blurry"]


async def test_the_overview_counts_progress_backlog_and_samples(
    client: httpx.AsyncClient,
) -> None:
    answer = await client.get("/v1/review/overview", headers=bearer())
    assert answer.status_code == 200
    [process] = answer.json()["processes"]
    assert process["process_id"] == PROCESS.id and process["office"] == PROCESS.office.value
    mine = {a["aspirant_id"]: a for a in process["aspirants"]}["asp-01"]
    assert mine["backlog"] == 2 and mine["sample"] is None
    assert mine["progress"]["valid"] == 1
    assert mine["progress"]["by_status"]["PENDIENTE_REVISION"] == 2
    body = {"process_id": PROCESS.id, "aspirant_id": "asp-01", "size": 5, "seed": 3}
    await client.post("/v1/review/samples", json=body, headers=bearer())
    again = (await client.get("/v1/review/overview", headers=bearer())).json()
    mine = {a["aspirant_id"]: a for a in again["processes"][0]["aspirants"]}["asp-01"]
    assert mine["backlog"] == 3 and mine["sample"]["drawn"] == 1
    bound = await client.get("/v1/review/overview", headers=bearer(process="otro-proceso"))
    assert bound.status_code == 200 and bound.json() == {"processes": []}


@pytest.mark.parametrize(
    "path",
    ["/v1/review/overview", "/v1/review/decisions?process_id=gub-son-2027",
     ITEM.format("blurry") + "/case", ITEM.format("blurry") + "/evidence/credential_front"],
)  # fmt: skip
async def test_only_the_institute_reads(client: httpx.AsyncClient, path: str) -> None:
    aspirant = await client.get(path, headers=bearer("asp", Role.ASPIRANT))
    assert aspirant.status_code == 403 and aspirant.json()["error"] == "forbidden"
    anonymous = await client.get(path)
    assert anonymous.status_code == 401


@pytest.mark.parametrize("query", ["", "?process_id=x&limit=0", "?process_id=x&before=abc"])
async def test_bad_audit_queries_are_422(client: httpx.AsyncClient, query: str) -> None:
    answer = await client.get("/v1/review/decisions" + query, headers=bearer())
    assert answer.status_code == 422 and answer.json()["error"] == "validation_error"
