"""The citizen's "was it me?" on the in-memory fakes and on PostgreSQL: the right codes show the
supports under the clave, wrong or unknown ones get one and the same answer, and a report
reaches the desk exactly once."""

from collections.abc import AsyncIterator

import asyncpg
import pytest

from apoyo_common.ratelimit import TokenBuckets
from apoyo_verification.desk.referral import Cause
from tests.component.inquiry_backends import Served, in_memory, of, on_postgres
from tests.unit.verification.cases import form, person

pytestmark = pytest.mark.component
ANA, OTHER = person(0).clave_elector, person(1).clave_elector
NOBODY = person(7).clave_elector  # in the roll, no support
SUPPORTS = [
    of(0, "ana-1", "asp-01", 0, email="Ana@Example.org"),
    of(0, "ana-2", "asp-02", 1),  # DUPLICADO_OTRO_ASPIRANTE
    # Ana again, the clave alone typed (another message key): the roll says it is her.
    of(0, "ana-typed", "asp-01", 2, card=False, typed=form(None, clave_elector=ANA)),
    of(1, "other-1", "asp-01", 3, email="otro@example.org"),
]


@pytest.fixture(params=["memory", "postgres"])
async def served(request: pytest.FixtureRequest, pool: asyncpg.Pool) -> AsyncIterator[Served]:
    if request.param == "memory":
        async with in_memory(SUPPORTS) as made:
            yield made
        return
    async with on_postgres(pool, SUPPORTS) as made:
        yield made


async def look(served: Served, **body: str) -> tuple[int, dict[str, object]]:
    answer = await served.client.post("/v1/lookup", json=body)
    return answer.status_code, answer.json()


async def test_the_clave_and_a_receipt_show_every_support_under_the_clave(served: Served) -> None:
    status, seen = await look(served, clave_elector=ANA.lower(), support_id="ana-2")
    assert status == 200
    supports = seen["supports"]
    assert isinstance(supports, list)
    assert [s["support_id"] for s in supports] == ["ana-1", "ana-2", "ana-typed"]
    assert [s["status"] for s in supports] == [
        "EN_LISTA_NOMINAL",
        "DUPLICADO_OTRO_ASPIRANTE",
        "DUPLICADO_MISMO_ASPIRANTE",  # one person: ana-1 counts, this one does not
    ]
    assert supports[1] == {
        "support_id": "ana-2",
        "process": "Gubernatura de prueba",
        "aspirant": "Dos",
        "received_at": supports[1]["received_at"],
        "channel": "AUXILIAR",
        "status": "DUPLICADO_OTRO_ASPIRANTE",
    }  # no address, no images, nobody else's
    assert isinstance(seen["token"], str)


@pytest.mark.parametrize(
    ("clave", "support_id"),
    [
        (ANA, "ana-9"),  # a wrong receipt
        (ANA, "other-1"),  # another citizen's receipt
        (NOBODY, "ana-1"),  # a clave without supports
        ("XXXXXX80010126H900", "ana-1"),  # a clave nobody has
    ],
)
async def test_wrong_or_unknown_codes_all_get_the_same_answer(
    served: Served, clave: str, support_id: str
) -> None:
    status, answer = await look(served, clave_elector=clave, support_id=support_id)
    _, reference = await look(served, clave_elector=NOBODY, support_id="nada")
    assert status == 404 and answer == reference


async def test_an_emailed_code_opens_the_supports_once(served: Served) -> None:
    sent = await served.client.post(
        "/v1/lookup/codes", json={"clave_elector": ANA, "email": "ana@example.org"}
    )
    assert sent.status_code == 202
    [mail] = await served.mails.sent()
    assert (mail.purpose, mail.email, mail.code) == (
        "CONSULTA",
        "Ana@Example.org",
        sent.json()["code"],
    )
    status, seen = await look(served, clave_elector=ANA, code=mail.code)
    assert status == 200 and len(seen["supports"]) == 3  # type: ignore[arg-type]
    assert (await look(served, clave_elector=ANA, code=mail.code))[0] == 404  # single use


async def test_an_address_not_given_with_the_clave_gets_the_same_answer_and_no_mail(
    served: Served,
) -> None:
    answers = [
        await served.client.post("/v1/lookup/codes", json={"clave_elector": c, "email": e})
        for c, e in ((ANA, "otro@example.org"), (NOBODY, "ana@example.org"))
    ]
    assert [a.status_code for a in answers] == [202, 202]
    assert answers[0].json() == answers[1].json() and "code" not in answers[0].json()
    assert await served.mails.sent() == []


async def test_five_wrong_codes_spend_the_code(served: Served) -> None:
    body = {"clave_elector": ANA, "email": "ana@example.org"}
    code = (await served.client.post("/v1/lookup/codes", json=body)).json()["code"]
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    for _ in range(5):
        assert (await look(served, clave_elector=ANA, code=wrong))[0] == 404
    assert (await look(served, clave_elector=ANA, code=code))[0] == 404


async def report(served: Served, token: str | None, **body: str) -> tuple[int, dict[str, str]]:
    headers = {} if token is None else {"Authorization": f"Bearer {token}"}
    answer = await served.client.post("/v1/lookup/reports", json=body, headers=headers)
    return answer.status_code, answer.json()


async def test_a_report_reaches_the_desk_exactly_once(served: Served) -> None:
    _, seen = await look(served, clave_elector=ANA, support_id="ana-1")
    token = str(seen["token"])
    note = "Nunca firmé nada; perdí mi credencial en marzo."
    first = await report(served, token, clave_elector=ANA, support_id="ana-2", note=note)
    assert first[0] == 201 and "suplantación" in first[1]["detail"]
    again = await report(served, token, clave_elector=ANA, support_id="ana-2", note="otra vez")
    assert again[0] == 200
    [referred] = await served.referrals("ana-2")
    assert (referred.cause, referred.actor, referred.note) == (Cause.SUPLANTACION, "citizen", note)


async def test_a_report_the_desk_could_not_take_can_be_sent_again(served: Served) -> None:
    _, seen = await look(served, clave_elector=ANA, support_id="ana-1")
    served.flaky.down = True
    refused = await report(served, str(seen["token"]), clave_elector=ANA, support_id="ana-1")
    assert refused == (503, refused[1]) and refused[1]["error"] == "desk_unavailable"
    assert await served.referrals("ana-1") == []
    served.flaky.down = False
    taken = await report(served, str(seen["token"]), clave_elector=ANA, support_id="ana-1")
    assert taken[0] == 201 and len(await served.referrals("ana-1")) == 1


async def test_a_report_needs_the_token_of_that_clave_and_one_of_its_supports(
    served: Served,
) -> None:
    _, seen = await look(served, clave_elector=ANA, support_id="ana-1")
    token = str(seen["token"])
    _, others = await look(served, clave_elector=OTHER, support_id="other-1")
    assert (await report(served, token, clave_elector=ANA, support_id="other-1"))[0] == 404
    theirs = str(others["token"])
    assert (await report(served, theirs, clave_elector=ANA, support_id="ana-1"))[0] == 404
    assert (await report(served, "forged", clave_elector=ANA, support_id="ana-1"))[0] == 404
    assert (await report(served, None, clave_elector=ANA, support_id="ana-1"))[0] == 401
    for support_id in ("ana-1", "other-1"):
        assert await served.referrals(support_id) == []


async def test_tries_are_limited_per_clave(served: Served) -> None:
    served.routes.by_clave = TokenBuckets(0.001, 2)
    codes = [(await look(served, clave_elector=ANA, support_id="nada"))[0] for _ in range(3)]
    assert codes == [404, 404, 429]
    assert (await look(served, clave_elector=OTHER, support_id="other-1"))[0] == 200


async def test_tries_are_limited_per_address_even_when_malformed(served: Served) -> None:
    served.routes.by_ip = TokenBuckets(0.001, 2)
    answers = [await served.client.post("/v1/lookup", content=b"{") for _ in range(3)]
    assert [a.status_code for a in answers] == [400, 400, 429]
    assert answers[2].headers["retry-after"].isdigit()


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"clave_elector": "ABC", "support_id": "x"}, "invalid_clave_elector"),
        ({"support_id": "x"}, "missing_field"),
        ({"clave_elector": ANA}, "missing_field"),
        ({"clave_elector": ANA, "support_id": "x" * 65}, "invalid_support_id"),
        ({"clave_elector": ANA, "support_id": 7}, "invalid_support_id"),
    ],
)
async def test_malformed_requests_are_422(
    served: Served, body: dict[str, object], code: str
) -> None:
    answer = await served.client.post("/v1/lookup", json=body)
    assert (answer.status_code, answer.json()["error"]) == (422, code)


async def test_an_inquiry_that_shows_supports_is_logged_without_the_clave(served: Served) -> None:
    assert (await look(served, clave_elector=ANA, support_id="ana-1"))[0] == 200
    assert (await look(served, clave_elector=OTHER, support_id="ana-1"))[0] == 404
    [entry] = await served.access.entries()
    assert (entry.read.role, entry.read.purpose, entry.read.kind) == (
        "citizen",
        "consulta",
        "inquiry",
    )
    assert entry.read.support_ids == ("ana-1", "ana-2", "ana-typed")
    assert entry.read.subject.startswith("consulta:")  # a keyed hash of the clave
    assert ANA not in str(entry.record()) and ANA.lower() not in str(entry.record())
