"""The hearing's routes on the in-memory fakes and on PostgreSQL: what the aspirant sees, what
another aspirant does not, filters and pages, images, and contests reaching the desk once."""

from collections.abc import AsyncIterator

import asyncpg
import pytest

from apoyo_common.codes import EvidenceKind, Role
from apoyo_verification.desk.decision import Ruling
from apoyo_verification.desk.referral import Cause
from apoyo_verification.desk.service import Ask
from tests.component.hearing_backends import Served, bearer, in_memory, on_postgres, with_images
from tests.component.test_verification_duplicates import CITIZENS, support

pytestmark = pytest.mark.component
BASE = "/v1/processes/gub-son-2027/aspirants/{}/hearing"


def mine() -> dict[str, str]:
    """asp-01's token, made when a test runs (a module-level one would expire in a long run)."""
    return bearer(Role.ASPIRANT, "gub-son-2027", "asp-01")


def theirs() -> dict[str, str]:
    return bearer(Role.ASPIRANT, "gub-son-2027", "asp-02")


IMAGES = (EvidenceKind.CREDENTIAL_FRONT, EvidenceKind.CREDENTIAL_BACK, EvidenceKind.SIGNATURE)
SUPPORTS = [
    support(0, "a-counts", "asp-01", 0),
    with_images(support(0, "b-again", "asp-01", 1), IMAGES),  # DUPLICADO_MISMO_ASPIRANTE
    support(CITIZENS, "c-nobody", "asp-01", 2),  # NO_ENCONTRADO
    with_images(support(1, "d-copy", "asp-01", 3, flags=("GRAYSCALE",)), IMAGES),
    support(CITIZENS + 1, "e-theirs", "asp-02", 4),  # another aspirant's NO_ENCONTRADO
]
ARGUMENT = "La credencial es original; anexo la fotografía a color en la oficina."


@pytest.fixture(params=["memory", "postgres"])
async def served(request: pytest.FixtureRequest, pool: asyncpg.Pool) -> AsyncIterator[Served]:
    if request.param == "memory":
        async with in_memory(SUPPORTS) as made:
            yield made
        return
    async with on_postgres(pool, SUPPORTS) as made:
        yield made


async def listed(
    served: Served, query: str = "", headers: dict[str, str] | None = None
) -> list[str]:
    answer = await served.client.get(BASE.format("asp-01") + query, headers=headers or mine())
    assert answer.status_code == 200, answer.text
    return [s["support_id"] for s in answer.json()["supports"]]


async def test_the_aspirant_sees_every_support_that_does_not_count(served: Served) -> None:
    answer = await served.client.get(BASE.format("asp-01"), headers=mine())
    assert answer.status_code == 200
    page = answer.json()
    assert page["next"] is None
    found = {s["support_id"]: s for s in page["supports"]}
    assert list(found) == ["b-again", "c-nobody", "d-copy"]  # in reception order
    assert found["b-again"]["status"] == "DUPLICADO_MISMO_ASPIRANTE"
    assert (found["d-copy"]["status"], found["d-copy"]["reasons"]) == (
        "INCONSISTENCIA",
        ["FOTOCOPIA"],
    )
    assert [e["kind"] for e in found["d-copy"]["evidence"]] == sorted(k.value for k in IMAGES)
    assert found["c-nobody"]["contest"] is None


async def test_the_institute_sees_any_aspirant(served: Served) -> None:
    assert await listed(served, headers=bearer(Role.OPLE)) == ["b-again", "c-nobody", "d-copy"]


async def test_another_aspirant_learns_nothing(served: Served) -> None:
    own = BASE.format("asp-01")
    for path in (
        own,
        own + "/d-copy/evidence/credential_front",
        own + "/no-such/evidence/credential_front",
    ):
        answer = await served.client.get(path, headers=theirs())
        assert (answer.status_code, answer.json()["error"]) == (403, "forbidden")
    for support_id in ("d-copy", "no-such"):
        path = f"{own}/{support_id}/contest"
        answer = await served.client.post(path, json={"argument": ARGUMENT}, headers=theirs())
        assert (answer.status_code, answer.json()["error"]) == (403, "forbidden")
    elsewhere = bearer(Role.ASPIRANT, "otro-proceso", "asp-01")
    assert (await served.client.get(own, headers=elsewhere)).status_code == 403
    assert (await served.client.get(own)).status_code == 401
    assert await served.referrals("d-copy") == []


async def test_filters_by_status_and_reason(served: Served) -> None:
    assert await listed(served, "?status=NO_ENCONTRADO") == ["c-nobody"]
    assert await listed(served, "?reason=FOTOCOPIA") == ["d-copy"]
    assert await listed(served, "?reason=SIN_FIRMA") == []


async def test_pages_walk_every_support_once(served: Served) -> None:
    seen: list[str] = []
    query = "?limit=1"
    while True:
        answer = await served.client.get(BASE.format("asp-01") + query, headers=mine())
        page = answer.json()
        seen += [s["support_id"] for s in page["supports"]]
        if page["next"] is None:
            break
        query = f"?limit=1&after={page['next']}"
    assert seen == ["b-again", "c-nobody", "d-copy"]


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("?status=VALIDO", "invalid_status"),
        ("?reason=fotocopia;drop", "invalid_reason"),
        ("?after=not-a-cursor", "invalid_cursor"),
        ("?limit=0", "invalid_limit"),
        ("?limit=5000", "invalid_limit"),
    ],
)
async def test_a_bad_query_is_422(served: Served, query: str, code: str) -> None:
    answer = await served.client.get(BASE.format("asp-01") + query, headers=mine())
    assert (answer.status_code, answer.json()["error"]) == (422, code)


async def test_an_image_of_a_heard_support_is_streamed(served: Served) -> None:
    listed_ = (await served.client.get(BASE.format("asp-01"), headers=mine())).json()["supports"]
    url = next(s for s in listed_ if s["support_id"] == "d-copy")["evidence"][0]["url"]
    answer = await served.client.get(url, headers=mine())
    assert answer.status_code == 200
    assert answer.content == b"d-copy:credential_back"
    assert answer.headers["content-type"] == "image/png"


@pytest.mark.parametrize(
    "tail",
    [
        "d-copy/evidence/selfie",  # not captured
        "d-copy/evidence/passport",  # no such kind
        "a-counts/evidence/credential_front",  # counts: not part of the hearing
        "e-theirs/evidence/credential_front",  # another aspirant's, asked under my path
    ],
)
async def test_other_images_are_404(served: Served, tail: str) -> None:
    answer = await served.client.get(f"{BASE.format('asp-01')}/{tail}", headers=mine())
    assert (answer.status_code, answer.json()["error"]) == (404, "not_found")


async def test_a_contest_reaches_the_desk_once_and_shows_as_pending(served: Served) -> None:
    path = BASE.format("asp-01") + "/c-nobody/contest"
    answer = await served.client.post(path, json={"argument": f"  {ARGUMENT} "}, headers=mine())
    assert answer.status_code == 201, answer.text
    assert answer.json()["contest"]["state"] == "PENDIENTE"
    again = await served.client.post(path, json={"argument": ARGUMENT}, headers=mine())
    assert (again.status_code, again.json()["error"]) == (409, "already_contested")
    [referred] = await served.referrals("c-nobody")
    assert (referred.cause, referred.actor, referred.note) == (
        Cause.AUDIENCIA,
        "aspirant-asp-01",
        ARGUMENT,
    )
    page = (await served.client.get(BASE.format("asp-01"), headers=mine())).json()
    [shown] = [s for s in page["supports"] if s["support_id"] == "c-nobody"]
    assert shown["contest"]["state"] == "PENDIENTE"
    assert shown["contest"]["argument"] == ARGUMENT and shown["contest"]["decision"] is None


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"argument": "corto"}, 422, "invalid_argument"),
        ({"argument": "x" * 4001}, 422, "invalid_argument"),
        ({"texto": ARGUMENT}, 422, "invalid_argument"),
        (["no", "objeto"], 422, "invalid_argument"),
    ],
)
async def test_a_bad_argument_is_refused_and_nothing_is_referred(
    served: Served, body: object, status: int, code: str
) -> None:
    path = BASE.format("asp-01") + "/c-nobody/contest"
    answer = await served.client.post(path, json=body, headers=mine())
    assert (answer.status_code, answer.json()["error"]) == (status, code)
    assert await served.referrals("c-nobody") == []


async def test_not_json_is_400_and_a_counting_or_foreign_support_is_404(served: Served) -> None:
    base = BASE.format("asp-01")
    raw = await served.client.post(f"{base}/c-nobody/contest", content=b"{", headers=mine())
    assert (raw.status_code, raw.json()["error"]) == (400, "invalid_json")
    for support_id in ("a-counts", "e-theirs", "no-such"):
        path = f"{base}/{support_id}/contest"
        answer = await served.client.post(path, json={"argument": ARGUMENT}, headers=mine())
        assert (answer.status_code, answer.json()["error"]) == (404, "not_found")
    for support_id in ("a-counts", "e-theirs"):
        assert await served.referrals(support_id) == []


async def test_a_contest_the_desk_could_not_take_can_be_sent_again(served: Served) -> None:
    path = BASE.format("asp-01") + "/d-copy/contest"
    served.desk.down = True
    refused = await served.client.post(path, json={"argument": ARGUMENT}, headers=mine())
    assert (refused.status_code, refused.json()["error"]) == (503, "desk_unavailable")
    served.desk.down = False
    answer = await served.client.post(path, json={"argument": ARGUMENT}, headers=mine())
    assert answer.status_code == 201
    assert [r.cause for r in await served.referrals("d-copy")] == [Cause.AUDIENCIA]


async def contest_state(served: Served, support_id: str, query: str = "") -> dict[str, object]:
    page = (await served.client.get(BASE.format("asp-01") + query, headers=mine())).json()
    [shown] = [s for s in page["supports"] if s["support_id"] == support_id]
    return {"status": shown["status"], **(shown["contest"] or {})}


async def test_the_desks_decision_comes_back_as_the_outcome(served: Served) -> None:
    base = BASE.format("asp-01")
    for support_id in ("c-nobody", "d-copy"):
        body = {"argument": ARGUMENT}
        answer = await served.client.post(f"{base}/{support_id}/contest", json=body, headers=mine())
        assert answer.status_code == 201
    upheld = Ask(Ruling.VALIDO, None, "la credencial es original", "revisor-1")
    await served.desk.desk.decide("d-copy", upheld)  # the evidence is fine: it counts now
    refused = Ask(Ruling.INCONSISTENCIA, "FIRMA_NO_VALIDA", "la firma no corresponde", "revisor-1")
    await served.desk.desk.decide("c-nobody", refused)
    counted = await contest_state(served, "d-copy", "?status=EN_LISTA_NOMINAL")
    assert counted["status"] == "EN_LISTA_NOMINAL" and counted["state"] == "RESUELTA"
    assert counted["decision"] == {
        "status": "EN_LISTA_NOMINAL",
        "reasons": [],
        "ruling": "VALIDO",
        "reason": None,
        "note": "la credencial es original",
        "decided_at": counted["decision"]["decided_at"],  # type: ignore[index]
    }
    kept = await contest_state(served, "c-nobody")
    assert (kept["status"], kept["state"]) == ("INCONSISTENCIA", "RESUELTA")
    assert kept["decision"]["reason"] == "FIRMA_NO_VALIDA"  # type: ignore[index]
    again = await served.client.post(f"{base}/d-copy/contest", json=body, headers=mine())
    assert again.status_code == 409
    image = await served.client.get(f"{base}/d-copy/evidence/credential_front", headers=mine())
    assert image.status_code == 200  # a contested support stays in the hearing


async def test_each_page_and_image_read_is_in_the_access_log(served: Served) -> None:
    await served.client.get(BASE.format("asp-01"), headers=mine())
    image = BASE.format("asp-01") + "/d-copy/evidence/signature"
    assert (await served.client.get(image, headers=mine())).status_code == 200
    assert (await served.client.get(image, headers=theirs())).status_code == 403
    logged = [e.record() for e in await served.access.entries()]
    assert [(e["subject"], e["purpose"], e["kind"], e["support_ids"]) for e in logged] == [
        ("aspirant-asp-01", "audiencia", "hearing", ["b-again", "c-nobody", "d-copy"]),
        ("aspirant-asp-01", "audiencia", "evidence/signature", ["d-copy"]),
    ]
    assert {(e["process_id"], e["aspirant_id"]) for e in logged} == {("gub-son-2027", "asp-01")}
    contest = BASE.format("asp-01") + "/c-nobody/contest"
    answer = await served.client.post(contest, json={"argument": ARGUMENT}, headers=mine())
    assert answer.status_code == 201
    last = (await served.access.entries())[-1].read
    assert (last.purpose, last.kind, last.support_ids) == ("audiencia", "hearing", ("c-nobody",))
