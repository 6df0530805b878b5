"""The reviewers' routes in the app that serves every unit together (capture's app mounted at
the root): `ople` only, the queue, an item with its evidence, decisions, the sample, and the
progress moving with a decision."""

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
from apoyo_verification.bootstrap import desk_of
from apoyo_verification.desk.service import ReviewDesk
from tests.component.all_units import all_units
from tests.component.test_verification_duplicates import CITIZENS, load, support
from tests.unit.verification.cases import PROCESS

pytestmark = pytest.mark.component
SECRET = "review-test-secret-of-at-least-32-bytes!"
QUEUE = "/v1/review/queue?process_id=gub-son-2027"
DECISION = "/v1/review/items/{}/decision"
PROGRESS = "/v1/processes/gub-son-2027/aspirants/asp-01/progress"


def bearer(role: Role = Role.OPLE, subject: str = "ople:revisora") -> dict[str, str]:
    token = issue(SECRET, Principal(role, subject, "gub-son-2027", "asp-01"), timedelta(minutes=5))
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
async def client(pool: asyncpg.Pool, tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    async with all_units(pool, tmp_path, SECRET) as served:
        await load(PgVoterRoll(pool))
        await PgProcesses(pool).save(PROCESS)
        desk = desk_of(served.units)
        assert isinstance(desk, ReviewDesk)
        await desk.verifier.verify_many(
            [
                support(0, "blurry", flags=("BLURRY",)),
                support(1, "b", minutes=1),
                support(2, "c", minutes=2),
                support(CITIZENS, "absent", minutes=3),
            ]
        )
        yield served.client


async def test_the_queue_shows_the_item_with_its_evidence(client: httpx.AsyncClient) -> None:
    answer = await client.get(QUEUE, headers=bearer())
    assert answer.status_code == 200
    [item] = answer.json()["items"]
    assert answer.json()["next_after"] is None
    assert (item["support_id"], item["status"], item["reasons"]) == (
        "blurry",
        "PENDIENTE_REVISION",
        ["ILEGIBLE"],
    )
    assert [r["cause"] for r in item["referrals"]] == ["PENDIENTE_REVISION"] and item["open"]
    assert {e["kind"] for e in item["evidence"]} == {
        "credential_front",
        "credential_back",
        "signature",
    }
    assert all(e["object_key"] and len(e["sha256"]) == 64 for e in item["evidence"])
    one = await client.get("/v1/review/items/blurry", headers=bearer())
    assert one.status_code == 200 and one.json() == item


async def test_a_decision_is_kept_closes_the_item_and_moves_the_progress(
    client: httpx.AsyncClient,
) -> None:
    valid_before = (await client.get(PROGRESS, headers=bearer())).json()["valid"]
    body = {"decision": "VALIDO", "note": "se lee bien en la foto"}
    answer = await client.post(DECISION.format("blurry"), json=body, headers=bearer())
    assert answer.status_code == 200
    item = answer.json()
    assert item["status"] == "EN_LISTA_NOMINAL" and not item["open"]
    [decision] = item["decisions"]
    assert decision["decided_by"] == "ople:revisora" and decision["note"] == body["note"]
    assert decision["causes"] == ["PENDIENTE_REVISION"] and decision["reason"] is None
    assert (await client.get(PROGRESS, headers=bearer())).json()["valid"] == valid_before + 1
    assert (await client.get(QUEUE, headers=bearer())).json()["items"] == []
    again = await client.post(DECISION.format("blurry"), json=body, headers=bearer())
    assert again.status_code == 409 and again.json()["error"] == "conflict"


@pytest.mark.parametrize(
    ("support_id", "body", "status"),
    [
        ("blurry", {"decision": "INCONSISTENCIA"}, 422),  # no reason
        ("blurry", {"decision": "INCONSISTENCIA", "reason": "NO_ME_GUSTA"}, 422),
        ("blurry", {"decision": "VALIDO", "reason": "FOTOCOPIA"}, 422),
        ("blurry", {"decision": "QUIZA"}, 422),
        ("blurry", {"decision": "VALIDO", "note": 5}, 422),
        ("blurry", {"decision": "VALIDO", "note": "visto\x00"}, 422),  # text holds no NUL
        ("blurry", ["VALIDO"], 422),
        ("b", {"decision": "VALIDO"}, 404),  # never referred
        ("nadie", {"decision": "VALIDO"}, 404),
    ],
)
async def test_bad_decisions_are_refused_with_json(
    client: httpx.AsyncClient, support_id: str, body: object, status: int
) -> None:
    answer = await client.post(DECISION.format(support_id), json=body, headers=bearer())
    assert answer.status_code == status
    assert set(answer.json()) == {"error", "detail"} and isinstance(answer.json()["detail"], str)


async def test_a_body_that_is_not_json_is_400(client: httpx.AsyncClient) -> None:
    answer = await client.post(DECISION.format("blurry"), content=b"{no", headers=bearer())
    assert answer.status_code == 400 and answer.json()["error"] == "bad_request"


@pytest.mark.parametrize(
    "query",
    ["", "?process_id=gub-son-2027&cause=OTRA", "?process_id=gub-son-2027&limit=0",
     "?process_id=gub-son-2027&limit=abc", "?process_id=gub-son-2027&limit=201"],
)  # fmt: skip
async def test_bad_queue_queries_are_422(client: httpx.AsyncClient, query: str) -> None:
    answer = await client.get("/v1/review/queue" + query, headers=bearer())
    assert answer.status_code == 422 and answer.json()["error"] == "validation_error"


async def test_a_sample_is_drawn_once_and_reported(client: httpx.AsyncClient) -> None:
    body = {"process_id": "gub-son-2027", "aspirant_id": "asp-01", "size": 2, "seed": 11}
    drawn = await client.post("/v1/review/samples", json=body, headers=bearer())
    assert drawn.status_code == 201
    assert drawn.json() | {"drawn": 2, "seed": 11, "complete": False, "escalated": None} == (
        drawn.json()
    )
    again = await client.post("/v1/review/samples", json=body, headers=bearer())
    assert again.status_code == 409
    shown = await client.get("/v1/review/samples/gub-son-2027/asp-01", headers=bearer())
    assert shown.json() == drawn.json()
    sampled = await client.get(QUEUE + "&cause=MUESTRA", headers=bearer())
    assert len(sampled.json()["items"]) == 2
    none = await client.get("/v1/review/samples/gub-son-2027/asp-02", headers=bearer())
    assert none.status_code == 404


ROUTES = [
    ("GET", QUEUE),
    ("GET", "/v1/review/items/blurry"),
    ("POST", DECISION.format("blurry")),
    ("POST", "/v1/review/samples"),
    ("GET", "/v1/review/samples/gub-son-2027/asp-01"),
]


@pytest.mark.parametrize(("method", "path"), ROUTES)
@pytest.mark.parametrize("role", [Role.ASPIRANT, Role.CITIZEN, Role.AUXILIARY])
async def test_only_the_institute_reviews(
    client: httpx.AsyncClient, method: str, path: str, role: Role
) -> None:
    body = {"decision": "VALIDO"}
    answer = await client.request(method, path, json=body, headers=bearer(role, "x"))
    assert answer.status_code == 403 and answer.json()["error"] == "forbidden"
    anonymous = await client.request(method, path, json=body)
    assert anonymous.status_code == 401 and anonymous.json()["error"] == "unauthorized"
    item = await client.get("/v1/review/items/blurry", headers=bearer())
    assert item.json()["open"]  # nothing was decided
