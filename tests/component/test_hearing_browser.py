"""The aspirant's hearing page and the citizen's "was it me?" page in a real browser (Playwright
driving Debian's Chromium) against `apoyo serve all --embedded`: the aspirant signs in with its
token and sees its supports that do not count, their images and its contest, and another
aspirant's token shows none of them; a citizen finds a support with an e-mailed code and
reports it to the desk."""

import json
import re
import time
import uuid
from collections.abc import Iterator

import httpx
import pytest
from playwright.sync_api import BrowserContext, Page, expect

from apoyo.client import support_data, support_files
from apoyo.demo import capture_window_around_now
from apoyo.synthetic.roll import demo_process
from tests.component import embedded_server
from tests.component.embedded_server import EmbeddedServer, bearer
from tests.component.test_citizen_form_browser import wait_for_status
from tests.factories import citizen
from tests.roll_files import CUT

pytestmark = [pytest.mark.component, pytest.mark.browser, pytest.mark.timeout(240)]
PROCESS = demo_process(CUT) | {"capture": capture_window_around_now()}
ENV = {"APOYO_RATE_IP_PER_S": "100", "APOYO_RATE_IP_BURST": "2000"}
ARGUMENT = "La persona existe y vive en el municipio; anexamos su constancia de residencia."


def post(server: EmbeddedServer, aspirant: str, index: int) -> str:
    """A support of someone who is not in the cut: NO_ENCONTRADO, so it is heard."""
    someone = citizen(index)
    token = server.token("auxiliary", "gub-son-2027", aspirant)
    answer = httpx.post(
        f"{server.url}/v1/supports",
        headers={**bearer(token), "Idempotency-Key": str(uuid.uuid4())},
        data={"data": json.dumps(support_data(someone, "gub-son-2027", aspirant))},
        files=support_files(someone),
        timeout=30,
    )
    assert answer.status_code == 202, answer.text
    support_id: str = answer.json()["support_id"]
    assert wait_for_status(server, support_id)["status"] == "NO_ENCONTRADO"
    return support_id


@pytest.fixture(scope="module")
def server() -> Iterator[EmbeddedServer]:
    with embedded_server.serving(ENV, [citizen(i) for i in range(70, 73)], CUT, PROCESS) as running:
        yield running


def sign_in(page: Page, server: EmbeddedServer, token: str, aspirant: str | None = None) -> None:
    response = page.goto(f"{server.url}/audiencia")
    assert response is not None and response.status == 200
    assert "'unsafe-inline'" not in response.headers["content-security-policy"]
    page.get_by_label("Token de acceso").fill(token)
    expect(page.get_by_label("Aspirante")).not_to_have_value("")
    if aspirant is not None:
        page.get_by_label("Aspirante").fill(aspirant)
    page.get_by_role("button", name="Entrar").click()


def test_the_aspirant_sees_and_contests_its_supports_and_another_sees_none(
    server: EmbeddedServer, context: BrowserContext
) -> None:
    mine, theirs = post(server, "asp-01", 80), post(server, "asp-02", 81)
    page = context.new_page()
    sign_in(page, server, server.token("aspirant", "gub-son-2027", "asp-01"))
    entry = page.locator(f'li[data-support="{mine}"]')
    expect(entry).to_contain_text("No encontrado en la lista nominal")
    expect(page.locator(f'li[data-support="{theirs}"]')).to_have_count(0)
    page.get_by_label("Motivo").select_option("FOTOCOPIA")
    page.get_by_role("button", name="Filtrar").click()
    expect(page.get_by_text("No hay apoyos que no cuenten con ese filtro.")).to_be_visible()
    page.get_by_label("Motivo").select_option("")
    page.get_by_label("Resultado").select_option("NO_ENCONTRADO")
    page.get_by_role("button", name="Filtrar").click()
    entry.get_by_role("button", name="Ver evidencia").click()
    front = entry.get_by_role("img", name=f"Credencial, anverso, folio {mine}")
    expect(front).to_be_visible()
    assert front.evaluate("img => img.naturalWidth") > 0  # the image itself, not a broken link
    entry.get_by_label("Impugnar: su argumento por escrito").fill(ARGUMENT)
    entry.get_by_role("button", name="Enviar impugnación").click()
    contested = page.locator(f'li[data-support="{mine}"]')
    expect(contested).to_contain_text("Impugnación pendiente de decisión")
    expect(page.get_by_role("status")).to_contain_text(f"folio {mine} enviada")
    page.reload()  # the token stays in the tab: the contest is there after a reload
    expect(page.locator(f'li[data-support="{mine}"]')).to_contain_text(ARGUMENT)

    other = context.browser.new_context(locale="es-MX") if context.browser else None
    assert other is not None
    try:
        spy = other.new_page()
        token = server.token("aspirant", "gub-son-2027", "asp-02")
        sign_in(spy, server, token, aspirant="asp-01")  # asks for asp-01's hearing
        expect(spy.get_by_role("alert")).to_contain_text("no da acceso")
        expect(spy.locator(f'li[data-support="{mine}"]')).to_have_count(0)
        sign_in(spy, server, token)
        expect(spy.locator(f'li[data-support="{theirs}"]')).to_be_visible()
        expect(spy.locator(f'li[data-support="{mine}"]')).to_have_count(0)
        assert mine not in spy.content()
    finally:
        other.close()


def emailed_code(server: EmbeddedServer) -> str:
    """The code in the last lookup letter notification wrote to the embedded mail folder."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        for letter in sorted((server.data / "mail").glob("*.eml")):
            text = letter.read_text(errors="replace")
            if "consultar los apoyos" in text:
                found = re.search(r"^\s+([0-9]{6})\s*$", text, re.MULTILINE)
                assert found is not None, text
                return found.group(1)
        time.sleep(0.3)
    raise AssertionError("no lookup code was e-mailed")


def test_a_citizen_finds_a_support_and_reports_it(
    server: EmbeddedServer, context: BrowserContext
) -> None:
    someone = citizen(72)  # in the cut: the support counts for asp-01
    data = support_data(someone, "gub-son-2027", "asp-01") | {"email": "persona72@example.org"}
    answer = httpx.post(
        f"{server.url}/v1/supports",
        headers={**bearer(server.token("auxiliary", "gub-son-2027", "asp-01")),
                 "Idempotency-Key": str(uuid.uuid4())},
        data={"data": json.dumps(data)}, files=support_files(someone), timeout=30,
    )  # fmt: skip
    assert answer.status_code == 202, answer.text
    folio = answer.json()["support_id"]
    assert wait_for_status(server, folio)["status"] == "EN_LISTA_NOMINAL"
    page = context.new_page()
    response = page.goto(f"{server.url}/consulta")
    assert response is not None and response.status == 200
    page.get_by_label("Clave de elector").fill(someone.clave_elector)
    page.get_by_label("Folio", exact=True).fill("no-es-mi-folio")
    page.get_by_role("button", name="Consultar mis apoyos").click()
    expect(page.get_by_role("alert")).to_contain_text("No encontramos apoyos")
    page.get_by_label("Con un código que me llegue por correo electrónico").check()
    page.get_by_label("Correo electrónico", exact=True).fill("persona72@example.org")
    page.get_by_role("button", name="Enviarme un código").click()
    page.get_by_label("Código de seis dígitos").fill(emailed_code(server))
    page.get_by_role("button", name="Consultar mis apoyos").last.click()
    expect(page.get_by_role("heading", name="Apoyos registrados con su clave")).to_be_focused()
    entry = page.locator("#supports > li")
    expect(entry).to_have_count(1)
    expect(entry).to_contain_text(folio)
    expect(entry).to_contain_text("Válido: cuenta para el aspirante")
    entry.get_by_role("button", name="No di este apoyo").click()
    page.get_by_label("Cuéntenos lo que sepa (opcional)").fill("Perdí mi credencial en marzo.")
    page.get_by_role("button", name="Enviar reporte").click()
    expect(page.get_by_role("status")).to_contain_text("posible suplantación de identidad")
    review = httpx.get(
        f"{server.url}/v1/review/items/{folio}", headers=bearer(server.token("ople"))
    )
    assert review.status_code == 200, review.text
    assert "SUPLANTACION" in review.text and "Perdí mi credencial" in review.text
