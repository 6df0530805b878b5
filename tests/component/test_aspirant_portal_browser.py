"""The aspirant's portal in a real browser (Playwright driving Debian's Chromium) against
`apoyo serve all --embedded`: progress with its chart per municipio, the supports' filters, one
support's data and images, an invitation, and an auxiliary's revocation; axe finds nothing
wrong on the page in each state; another aspirant's token opens none of it.

With APOYO_PORTAL_SCREENSHOT=1 the walk also saves docs/img/portal-aspirante.png."""

import json
import os
import uuid
from collections.abc import Iterator

import httpx
import pytest
from playwright.sync_api import BrowserContext, Page, expect

from apoyo.client import support_data, support_files
from apoyo.demo import capture_window_around_now
from apoyo.synthetic.roll import demo_process
from tests.component import embedded_server
from tests.component.accessibility import assert_accessible
from tests.component.embedded_server import EmbeddedServer, bearer
from tests.component.test_citizen_form_browser import wait_for_status
from tests.factories import citizen
from tests.paths import ROOT
from tests.roll_files import CUT

pytestmark = [pytest.mark.component, pytest.mark.browser, pytest.mark.timeout(300)]
PROCESS = demo_process(CUT) | {"capture": capture_window_around_now()}
ENV = {"APOYO_RATE_IP_PER_S": "100", "APOYO_RATE_IP_BURST": "2000", "APOYO_ECHO_SECRETS": "true"}
SCREENSHOT = ROOT / "docs" / "img" / "portal-aspirante.png"
AUXILIARY = {
    "nombre": "Rosa", "apellido_paterno": "Auxiliar", "apellido_materno": "Prueba",
    "clave_elector": citizen(95).clave_elector, "email": "rosa@example.org",
    "accepted_data_protection": True,
}  # fmt: skip


@pytest.fixture(scope="module")
def server() -> Iterator[EmbeddedServer]:
    roll = [citizen(i) for i in range(60, 66)]
    with embedded_server.serving(ENV, roll, CUT, PROCESS) as running:
        yield running


def post(server: EmbeddedServer, token: str, aspirant: str, index: int) -> str:
    someone = citizen(index)
    answer = httpx.post(
        f"{server.url}/v1/supports",
        headers={**bearer(token), "Idempotency-Key": str(uuid.uuid4())},
        data={"data": json.dumps(support_data(someone, "gub-son-2027", aspirant))},
        files=support_files(someone),
        timeout=30,
    )
    assert answer.status_code == 202, answer.text
    support_id: str = answer.json()["support_id"]
    wait_for_status(server, support_id)
    return support_id


def register_auxiliary(server: EmbeddedServer, aspirant_token: str) -> tuple[str, str]:
    answer = httpx.post(
        f"{server.url}/v1/processes/gub-son-2027/aspirants/asp-01/auxiliaries",
        json=AUXILIARY, headers=bearer(aspirant_token), timeout=30,
    )  # fmt: skip
    assert answer.status_code == 201, answer.text
    return answer.json()["auxiliary_id"], answer.json()["token"]


def invite_and_use(server: EmbeddedServer, aspirant_token: str, email: str, index: int) -> str:
    """An invitation, and the support the invited citizen gives with its link."""
    body = {"process_id": "gub-son-2027", "aspirant_id": "asp-01", "emails": [email]}
    answer = httpx.post(f"{server.url}/v1/invitations", json=body, headers=bearer(aspirant_token))
    assert answer.status_code == 201, answer.text
    link_token = answer.json()["invitations"][0]["link"].rsplit("/", 1)[1]
    data = support_data(citizen(index), "gub-son-2027", "asp-01") | {"channel": "AUTOSERVICIO"}
    given = httpx.post(
        f"{server.url}/v1/supports",
        headers={**bearer(link_token), "Idempotency-Key": str(uuid.uuid4())},
        data={"data": json.dumps(data)}, files=support_files(citizen(index)), timeout=30,
    )  # fmt: skip
    assert given.status_code == 202, given.text
    support_id: str = given.json()["support_id"]
    wait_for_status(server, support_id)
    return support_id


def sign_in(page: Page, server: EmbeddedServer, token: str, aspirant: str | None = None) -> None:
    response = page.goto(f"{server.url}/portal")
    assert response is not None and response.status == 200
    assert "'unsafe-inline'" not in response.headers["content-security-policy"]
    page.get_by_label("Token de acceso").fill(token)
    if aspirant is not None:
        page.get_by_label("Aspirante").fill(aspirant)
    page.get_by_role("button", name="Entrar").click()


def test_an_aspirant_follows_its_supports_and_revokes_an_auxiliary(
    server: EmbeddedServer, context: BrowserContext
) -> None:
    token = server.token("aspirant", "gub-son-2027", "asp-01")
    _, auxiliary_token = register_auxiliary(server, token)
    valid = [post(server, auxiliary_token, "asp-01", i) for i in (60, 61)]
    missing = post(server, auxiliary_token, "asp-01", 90)  # not in the cut: NO_ENCONTRADO
    theirs = post(server, server.token("auxiliary", "gub-son-2027", "asp-02"), "asp-02", 62)
    invited = invite_and_use(server, token, "ana@example.org", 65)

    page = context.new_page()
    sign_in(page, server, token)
    expect(page.locator(f'li[data-support="{missing}"]')).to_be_visible()
    expect(page.locator("#totals")).to_contain_text("Apoyos válidos3")
    expect(page.locator("#units tr").first).to_be_visible()  # the chart: a row per municipio
    expect(page.locator("#units-summary")).to_contain_text("municipios cumplen su parte")
    expect(page.locator(f'li[data-support="{theirs}"]')).to_have_count(0)
    assert_accessible(page)

    page.get_by_label("Resultado").select_option("NO_ENCONTRADO")
    page.get_by_role("button", name="Filtrar").click()
    expect(page.locator("#supports > li")).to_have_count(1)
    entry = page.locator(f'li[data-support="{missing}"]')
    expect(entry).to_contain_text("No encontrado en la lista nominal")
    page.get_by_label("Resultado").select_option("")
    page.get_by_label("Canal").select_option("CEDULA_PAPEL")
    page.get_by_role("button", name="Filtrar").click()
    expect(page.get_by_text("No hay apoyos con ese filtro.")).to_be_visible()
    page.get_by_label("Canal").select_option("")
    page.get_by_label("Capturado por").select_option(label="Rosa Auxiliar Prueba")
    page.get_by_role("button", name="Filtrar").click()
    expect(page.locator("#supports > li")).to_have_count(3)
    expect(page.locator(f'li[data-support="{invited}"]')).to_have_count(0)
    assert page.locator("#f-auxiliary option").count() == 2  # Todos and Rosa: no citizen

    shown = page.locator(f'li[data-support="{valid[0]}"]')
    shown.get_by_role("button", name="Ver detalle y evidencia").click()
    front = shown.get_by_role("img", name=f"Credencial, anverso, folio {valid[0]}")
    expect(front).to_be_visible()
    assert front.evaluate("img => img.naturalWidth") > 0
    expect(shown).to_contain_text(citizen(60).clave_elector)
    expect(shown.get_by_role("heading", name="Leído de la credencial")).to_be_visible()
    expect(shown).to_contain_text("Coincide")  # the typed fields checked against the card
    expect(shown.get_by_role("button", name="Descargar certificado (PDF)")).to_be_visible()
    assert_accessible(page)

    page.get_by_label("Correos electrónicos a invitar").fill("invitada@example.org")
    page.get_by_role("button", name="Enviar invitaciones").click()
    expect(page.locator("#invitations")).to_contain_text("invitada@example.org")

    used = page.locator("#invitations tr", has_text="ana@example.org")
    expect(used).to_contain_text(f"folio {invited}")  # opened and used, with its support
    citizens = page.locator("#auxiliaries tr", has_text="La ciudadanía")
    expect(citizens).to_contain_text("1")
    row = page.locator("#auxiliaries tr", has_text="Rosa Auxiliar Prueba")
    expect(row).to_contain_text("33 %")  # one of three decided supports does not count
    if os.environ.get("APOYO_PORTAL_SCREENSHOT"):
        page.set_viewport_size({"width": 1100, "height": 1500})
        page.evaluate("window.scrollTo(0, 0)")
        page.screenshot(path=str(SCREENSHOT))
        page.set_viewport_size({"width": 390, "height": 844})
    row.get_by_role("button", name="Revocar a Rosa Auxiliar Prueba").click()
    expect(row).to_contain_text("Revocado")
    expect(page.get_by_role("status")).to_contain_text("fue revocado")
    assert_accessible(page)
    refused = httpx.post(
        f"{server.url}/v1/supports",
        headers={**bearer(auxiliary_token), "Idempotency-Key": str(uuid.uuid4())},
        data={"data": json.dumps(support_data(citizen(63), "gub-son-2027", "asp-01"))},
        files=support_files(citizen(63)), timeout=30,
    )  # fmt: skip
    assert (refused.status_code, refused.json()["error"]) == (401, "token_revoked")

    page.get_by_role("link", name="Garantía de audiencia").click()  # opens signed in
    expect(page.get_by_role("heading", name="Apoyos que no cuentan")).to_be_visible()
    expect(page.locator(f'li[data-support="{missing}"]')).to_be_visible()
    assert_accessible(page)


def test_what_was_read_from_a_credential_is_the_aspirants_alone(server: EmbeddedServer) -> None:
    support_id = post(server, server.token("auxiliary", "gub-son-2027", "asp-01"), "asp-01", 64)
    path = f"{server.url}/v1/supports/{support_id}/decoded"
    own = httpx.get(path, headers=bearer(server.token("aspirant", "gub-son-2027", "asp-01")))
    assert own.status_code == 200, own.text
    assert own.json()["mrz"]["cic"] and {c["field"] for c in own.json()["checks"]}
    spy = httpx.get(path, headers=bearer(server.token("aspirant", "gub-son-2027", "asp-02")))
    unknown = httpx.get(
        f"{server.url}/v1/supports/no-existe/decoded", headers=bearer(server.token("ople"))
    )
    assert (spy.status_code, spy.json()["error"]) == (403, "forbidden")
    assert "cic" not in spy.text and unknown.status_code == 404
    assert httpx.get(path).status_code == 401


def test_another_aspirants_token_opens_nothing_of_it(
    server: EmbeddedServer, context: BrowserContext
) -> None:
    page = context.new_page()
    sign_in(page, server, server.token("aspirant", "gub-son-2027", "asp-02"), aspirant="asp-01")
    expect(page.get_by_role("alert")).to_contain_text("no da acceso")
    expect(page.get_by_role("button", name="Entrar")).to_be_visible()
    expect(page.locator("#supports > li")).to_have_count(0)
    assert_accessible(page)
