"""The citizen web form in a real browser (Playwright driving Debian's Chromium) against
`apoyo serve all --embedded`: a citizen completes it from an invitation link, through a
loss of connection and a reload while offline; another completes it with the keyboard alone.
"""

import io
import time
from collections.abc import Iterator
from datetime import datetime
from typing import Any

import httpx
import pytest
from PIL import Image
from playwright.sync_api import (
    BrowserContext,
    FilePayload,
    Page,
    expect,
)

from apoyo.client import support_data, support_files
from apoyo.demo import capture_window_around_now
from apoyo.synthetic.roll import demo_process
from tests.component import embedded_server
from tests.component.embedded_server import EmbeddedServer, bearer
from tests.factories import citizen
from tests.roll_files import CUT

pytestmark = [pytest.mark.component, pytest.mark.browser, pytest.mark.timeout(180)]
PROCESS = demo_process(CUT) | {"capture": capture_window_around_now()}
ENV = {"APOYO_ECHO_SECRETS": "true", "APOYO_RATE_IP_PER_S": "100", "APOYO_RATE_IP_BURST": "2000"}
BASE = "/v1/processes/gub-son-2027/aspirants/asp-01"
FINAL = 30.0  # seconds to wait for the pipeline to give the support a status


@pytest.fixture(scope="module")
def server() -> Iterator[EmbeddedServer]:
    citizens = [citizen(i) for i in range(40, 44)]
    with embedded_server.serving(ENV, citizens, CUT, PROCESS) as running:
        yield running


def invitation_link(server: EmbeddedServer, email: str) -> str:
    aspirant = server.token("aspirant", "gub-son-2027", "asp-01")
    body = {"process_id": "gub-son-2027", "aspirant_id": "asp-01", "emails": [email]}
    answer = httpx.post(f"{server.url}/v1/invitations", json=body, headers=bearer(aspirant))
    assert answer.status_code == 201, answer.text
    link: str = answer.json()["invitations"][0]["link"]
    return link


def invitation_status(server: EmbeddedServer, email: str) -> dict[str, Any]:
    aspirant = server.token("aspirant", "gub-son-2027", "asp-01")
    rows = httpx.get(f"{server.url}{BASE}/invitations", headers=bearer(aspirant)).json()
    found: dict[str, Any] = next(r for r in rows["invitations"] if r["email"] == email)
    return found


def person(index: int) -> tuple[dict[str, Any], list[FilePayload]]:
    """The typed fields of citizen `index` and their credential photos as file payloads."""
    someone = citizen(index)
    data = support_data(someone, "gub-son-2027", "asp-01")
    files = [
        FilePayload(name=name, mimeType=mime, buffer=content)
        for name, content, mime in support_files(someone).values()
    ]
    return data, files


def enlarged(payload: FilePayload, side: int = 6400) -> FilePayload:
    """A photo as a 30-megapixel phone takes it: over the API's pixel limit."""
    with Image.open(io.BytesIO(payload["buffer"])) as image:
        big = image.convert("RGB").resize((side, side * image.height // image.width))
    out = io.BytesIO()
    big.save(out, format="JPEG", quality=80)
    return FilePayload(name="foto.jpg", mimeType="image/jpeg", buffer=out.getvalue())


def open_form(page: Page, link: str) -> None:
    response = page.goto(link)
    assert response is not None and response.status == 200
    csp = response.headers["content-security-policy"]
    assert "default-src 'self'" in csp and "'unsafe-inline'" not in csp
    expect(page.locator("#form")).to_have_attribute("data-ready", "true")


def wait_for_status(server: EmbeddedServer, support_id: str) -> dict[str, Any]:
    ople = server.token("ople")
    deadline = time.monotonic() + FINAL
    while True:
        answer = httpx.get(f"{server.url}/v1/supports/{support_id}", headers=bearer(ople))
        assert answer.status_code == 200, answer.text
        view: dict[str, Any] = answer.json()
        if view["status"] != "RECIBIDO" or time.monotonic() > deadline:
            return view
        time.sleep(0.5)


def certificate(server: EmbeddedServer, support_id: str) -> dict[str, Any]:
    ople = server.token("ople")
    answer = httpx.get(f"{server.url}/v1/supports/{support_id}/certificate", headers=bearer(ople))
    assert answer.status_code == 200, answer.text
    body: dict[str, Any] = answer.json()["certificate"]
    return body


def moment(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def click_next(page: Page, step: str, following: str) -> None:
    page.locator(f"#step-{step}").get_by_role("button", name="Siguiente").click()
    expect(page.locator(f"#h-{following}")).to_be_focused()  # the draft is saved first


def fill_with_the_mouse(page: Page, data: dict[str, Any], files: list[FilePayload]) -> None:
    """From the statement to the review step, as a citizen with a pointer would."""
    page.get_by_label("He leído la declaración").check()
    click_next(page, "consent", "names")
    page.get_by_label("Nombre(s)").fill(str(data["nombre"]))
    page.get_by_label("Primer apellido").fill(str(data["apellido_paterno"]))
    page.get_by_label("Segundo apellido").fill(str(data["apellido_materno"]))
    click_next(page, "names", "ids")
    for name in ("clave_elector", "ocr", "cic", "seccion", "emision"):
        page.locator(f"#f-{name}").fill(str(data[name]))
    click_next(page, "ids", "photos")
    page.locator("#f-credential_front").set_input_files(files[0])
    page.locator("#f-credential_back").set_input_files(files[1])
    expect(page.locator("#f-credential_front-preview")).to_be_visible()
    expect(page.locator("#f-credential_back-preview")).to_be_visible()
    click_next(page, "photos", "signature")
    box = page.locator("#sig-pad").bounding_box()
    assert box is not None
    page.mouse.move(box["x"] + 30, box["y"] + box["height"] * 0.6)
    page.mouse.down()
    for step in range(1, 12):
        x = box["x"] + 30 + step * box["width"] / 14
        page.mouse.move(x, box["y"] + box["height"] * (0.3 + 0.3 * (step % 2)))
    page.mouse.up()
    click_next(page, "signature", "review")
    expect(page.locator("#review-list")).to_contain_text(str(data["clave_elector"]))


def test_a_citizen_completes_the_form_through_an_offline_reload(
    server: EmbeddedServer, context: BrowserContext
) -> None:
    email = "form-offline@example.org"
    link = invitation_link(server, email)
    data, files = person(40)
    page = context.new_page()
    open_form(page, link)
    consent = httpx.get(f"{server.url}{BASE}/consent").json()
    assert page.locator("#consent-text").inner_text() == consent["text"]
    expect(page.locator("#form")).to_have_attribute("data-offline-ready", "true")

    fill_with_the_mouse(page, data, files)

    context.set_offline(True)
    before = datetime.now().astimezone()
    page.get_by_role("button", name="Enviar mi apoyo").click()
    expect(page.locator("#status")).to_contain_text("Sin conexión")
    after = datetime.now().astimezone()
    reloaded = page.reload()  # offline: the service worker's copy, the draft from IndexedDB
    assert reloaded is not None and reloaded.from_service_worker
    expect(page.locator("#form")).to_have_attribute("data-ready", "true")
    expect(page.locator("#step-review")).to_be_visible()
    expect(page.locator("#status")).to_contain_text("Sin conexión")
    expect(page.get_by_role("button", name="Enviar mi apoyo")).to_be_disabled()
    time.sleep(1.5)  # the reception is later than the capture
    assert invitation_status(server, email)["status"] == "ABIERTA"

    context.set_offline(False)
    expect(page.locator("#h-done")).to_be_visible(timeout=30_000)
    support_id = page.locator("#done-id").inner_text()
    assert support_id
    assert invitation_status(server, email)["support_id"] == support_id
    view = wait_for_status(server, support_id)
    assert view["channel"] == "AUTOSERVICIO" and view["status"] == "EN_LISTA_NOMINAL", view
    body = certificate(server, support_id)
    submitted, received = (
        moment(body["events"]["submitted_at"]),
        moment(body["events"]["received_at"]),
    )
    assert before.replace(microsecond=0) <= submitted <= after and received > after
    assert body["consent"]["sha256"] == consent["sha256"]
    assert {e["kind"] for e in body["evidence"]} == {
        "credential_front", "credential_back", "signature"
    }  # fmt: skip
    page.reload()  # back online the link is spent
    assert "ya se usó" in page.content()


def tab_to(page: Page, selector: str, limit: int = 40) -> None:
    """Press Tab until the element `selector` has the focus, as a keyboard user would."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"Tab never reached {selector}")


def next_step(page: Page, step: str, following: str | None = None) -> None:
    tab_to(page, f"#step-{step} [data-action=next]")
    page.keyboard.press("Enter")
    if following:
        expect(page.locator(f"#h-{following}")).to_be_focused()


def test_a_citizen_completes_the_form_with_the_keyboard_alone(
    server: EmbeddedServer, context: BrowserContext
) -> None:
    email = "form-keyboard@example.org"
    link = invitation_link(server, email)
    data, files = person(41)
    files[0] = enlarged(files[0])  # the form reduces it on the device
    page = context.new_page()
    # Playwright intercepts file choosers only while someone listens, and turns interception
    # on asynchronously: a listener from the start keeps a Space pressed right after
    # `expect_file_chooser` from opening the headless (invisible) native dialog instead.
    page.on("filechooser", lambda _: None)
    open_form(page, link)

    tab_to(page, "#f-consent")
    page.keyboard.press("Space")
    next_step(page, "consent", "names")
    next_step(page, "names")  # nothing typed: the errors are announced and tied to the fields
    expect(page.locator("#alert")).to_have_text("Hay 2 datos por corregir.")
    expect(page.locator("#f-nombre")).to_be_focused()
    expect(page.locator("#f-nombre")).to_have_attribute("aria-invalid", "true")
    assert "f-nombre-error" in (page.locator("#f-nombre").get_attribute("aria-describedby") or "")
    expect(page.locator("#f-nombre-error")).to_have_text("Escriba su nombre.")
    page.keyboard.type(str(data["nombre"]))
    for name in ("apellido_paterno", "apellido_materno"):
        tab_to(page, f"#f-{name}")
        page.keyboard.type(str(data[name]))
    next_step(page, "names", "ids")
    for name in ("clave_elector", "ocr", "cic", "seccion", "emision"):
        tab_to(page, f"#f-{name}")
        page.keyboard.type(str(data[name]))
    next_step(page, "ids", "photos")
    for name, payload in (("credential_front", files[0]), ("credential_back", files[1])):
        tab_to(page, f"#f-{name}")
        with page.expect_file_chooser() as chooser:
            page.keyboard.press("Space")
        chooser.value.set_files(payload)
        expect(page.locator(f"#f-{name}-preview")).to_be_visible()
    next_step(page, "photos", "signature")
    tab_to(page, "#f-sig-draw")
    page.keyboard.press("ArrowDown")  # radio buttons move with the arrows
    expect(page.locator("#f-sig-typed")).to_be_checked()
    tab_to(page, "#f-typed_name")
    page.keyboard.type(f"{data['nombre']} {data['apellido_paterno']} {data['apellido_materno']}")
    tab_to(page, "#f-typed_confirm")
    page.keyboard.press("Space")
    next_step(page, "signature", "review")
    tab_to(page, "#step-review [data-action=submit]")
    page.keyboard.press("Enter")
    expect(page.locator("#h-done")).to_be_focused(timeout=30_000)
    support_id = page.locator("#done-id").inner_text()
    view = wait_for_status(server, support_id)
    assert view["channel"] == "AUTOSERVICIO", view
    evidence = {e["kind"]: e for e in certificate(server, support_id)["evidence"]}
    assert evidence["credential_front"]["bytes"] < len(files[0]["buffer"])
    signature = evidence["signature"]
    assert signature["bytes"] > 1000  # the typed name drawn as a PNG


def test_a_citizen_proves_an_email_on_the_campaign_link_then_gives_support(
    server: EmbeddedServer, context: BrowserContext
) -> None:
    data, files = person(42)
    page = context.new_page()
    open_form(page, f"{server.url}/c/gub-son-2027/asp-01")
    expect(page.locator("#h-email")).to_be_visible()
    page.get_by_label("Correo electrónico", exact=True).fill("campana@example.org")
    with page.expect_response("**/v1/self-service/codes") as asked:
        page.get_by_role("button", name="Enviarme el código").click()
    code = asked.value.json()["code"]  # the e-mail's content, echoed in tests only
    expect(page.get_by_label("Código recibido")).to_be_focused()
    page.get_by_label("Código recibido").fill(f"{(int(code) + 1) % 10**6:06d}")
    page.get_by_role("button", name="Comprobar el código").click()
    expect(page.locator("#f-code-error")).to_contain_text("no coincide")
    page.get_by_label("Código recibido").fill(code)
    page.get_by_role("button", name="Comprobar el código").click()
    expect(page.locator("#h-consent")).to_be_focused()
    fill_with_the_mouse(page, data, files)
    page.get_by_role("button", name="Enviar mi apoyo").click()
    expect(page.locator("#h-done")).to_be_visible(timeout=30_000)
    support_id = page.locator("#done-id").inner_text()
    body = certificate(server, support_id)
    assert body["channel"] == "AUTOSERVICIO"
    assert body["email"] == {"address": "campana@example.org", "verified_by": "CODIGO_UNICO"}
    page.get_by_role("button", name="Descargar mi constancia (PDF)").click()
    expect(page.get_by_role("link", name="Abrir la constancia")).to_be_focused()
