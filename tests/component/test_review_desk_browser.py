"""The review desk and the institute overview in a real browser (Playwright driving Debian's
Chromium) against `apoyo serve all --embedded` with two reviewers required for a rejection:
INE's sample puts eleven counted supports on the desk; one reviewer decides ten of them from
the keyboard (one a rejection, which waits), a second reviewer confirms the rejection and
decides the last; the decisions are recorded with the right outcome and reviewer, the sample's
state and the overview show the right numbers, and both pages pass the accessibility check."""

import json
import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from apoyo.client import support_data, support_files
from apoyo.demo import capture_window_around_now
from apoyo.synthetic.roll import demo_process
from tests.component import embedded_server
from tests.component.accessibility import assert_accessible
from tests.component.embedded_server import EmbeddedServer, bearer
from tests.component.test_citizen_form_browser import wait_for_status
from tests.factories import citizen
from tests.roll_files import CUT

pytestmark = [pytest.mark.component, pytest.mark.browser, pytest.mark.timeout(600)]
PROCESS = demo_process(CUT) | {"capture": capture_window_around_now()}
ENV = {
    "APOYO_RATE_IP_PER_S": "100",
    "APOYO_RATE_IP_BURST": "2000",
    "APOYO_REVIEW_SECOND_REVIEWER": "true",
}
PEOPLE = range(90, 101)  # eleven citizens of the cut, each with one support for asp-01
ANA, BETO = "ople:ana", "ople:beto"
# Ana's keys, one per sampled support in the queue's order: the third is a copy (1).
ANA_KEYS = ["v", "v", "1", "v", "v", "v", "v", "v", "v", "v"]


def post(server: EmbeddedServer, index: int) -> str:
    aux = server.token("auxiliary", "gub-son-2027", "asp-01")
    person = citizen(index)
    answer = httpx.post(
        f"{server.url}/v1/supports",
        headers=bearer(aux) | {"Idempotency-Key": f"desk-browser-{index}"},
        data={"data": json.dumps(support_data(person, "gub-son-2027", "asp-01"))},
        files=support_files(person),
        timeout=60,
    )
    assert answer.status_code == 202, answer.text
    return str(answer.json()["support_id"])


def api(server: EmbeddedServer, path: str, body: dict[str, Any] | None = None) -> Any:
    headers = bearer(server.token("ople", subject="ople:test"))
    if body is None:
        answer = httpx.get(server.url + path, headers=headers, timeout=30)
    else:
        answer = httpx.post(server.url + path, headers=headers, json=body, timeout=30)
    assert answer.is_success, answer.text
    return answer.json()


@pytest.fixture(scope="module")
def server() -> Iterator[EmbeddedServer]:
    people = [citizen(i) for i in PEOPLE]
    with embedded_server.serving(ENV, people, CUT, PROCESS) as running:
        yield running


@pytest.fixture(scope="module")
def sampled(server: EmbeddedServer) -> list[str]:
    """The eleven supports, counted, then all drawn in INE's sample: the desk's queue."""
    ids = [post(server, i) for i in PEOPLE]
    for support_id in ids:
        assert wait_for_status(server, support_id)["status"] == "EN_LISTA_NOMINAL"
    body = {"process_id": "gub-son-2027", "aspirant_id": "asp-01", "size": 11, "seed": 5}
    assert api(server, "/v1/review/samples", body)["drawn"] == 11
    return sorted(ids)


@pytest.fixture
def wide(browser: Browser) -> Iterator[BrowserContext]:
    opened = browser.new_context(locale="es-MX", viewport={"width": 1440, "height": 1000})
    opened.set_default_timeout(20_000)
    yield opened
    opened.close()


def sign_in(page: Page, server: EmbeddedServer, subject: str) -> None:
    response = page.goto(f"{server.url}/mesa")
    assert response is not None and response.status == 200
    assert "'unsafe-inline'" not in response.headers["content-security-policy"]
    page.get_by_label("Token de acceso").fill(server.token("ople", subject=subject))
    page.get_by_role("button", name="Entrar").click()


def shoot(page: Page, name: str) -> None:
    """With APOYO_SCREENSHOTS set to a folder, the page as it is (the docs' pictures)."""
    folder = os.environ.get("APOYO_SCREENSHOTS")
    if folder:
        page.screenshot(path=str(Path(folder) / name), full_page=True)


def decide_by_key(page: Page, support_id: str, key: str) -> None:
    """Wait for the support to be the one shown, with its pictures, then press the key."""
    expect(page.locator("#item-title")).to_contain_text(support_id)
    front = page.get_by_role("img", name=f"Credencial, anverso, folio {support_id}")
    expect(front).to_be_visible()
    assert front.evaluate("img => img.naturalWidth") > 0
    page.keyboard.press(key)
    expect(page.get_by_role("status")).to_contain_text(f"Folio {support_id}")


def test_two_reviewers_decide_the_sample_from_the_keyboard(
    server: EmbeddedServer, sampled: list[str], wide: BrowserContext
) -> None:
    page = wide.new_page()
    sign_in(page, server, ANA)
    expect(page.locator("#who")).to_have_text(ANA)
    expect(page.locator("#item-title")).to_contain_text(sampled[0])
    expect(page.locator("#record-note")).to_contain_text("Registro del padrón")
    assert_accessible(page)
    for support_id, key in zip(sampled, ANA_KEYS, strict=False):
        decide_by_key(page, support_id, key)
        if key == "1":
            expect(page.get_by_role("status")).to_contain_text("espera la confirmación")
    expect(page.locator("#count")).to_have_text("10")
    # Ana's own proposal is not shown to her again: the eleventh is next.
    expect(page.locator("#item-title")).to_contain_text(sampled[10])

    assert wide.browser is not None
    other = wide.browser.new_context(locale="es-MX", viewport={"width": 1440, "height": 1000})
    try:
        beto = other.new_page()
        beto.set_default_timeout(20_000)
        sign_in(beto, server, BETO)
        expect(beto.locator("#pending")).to_contain_text(f"Rechazo propuesto por {ANA}")
        expect(beto.get_by_role("img", name=f"Firma, folio {sampled[2]}")).to_be_visible()
        expect(beto.locator(f'#audit tr[data-support="{sampled[0]}"]')).to_be_visible()
        shoot(beto, "mesa-revision.png")
        decide_by_key(beto, sampled[2], "1")
        decide_by_key(beto, sampled[10], "v")
        expect(beto.get_by_text("No hay apoyos en espera en esta cola.")).to_be_visible()
        samples = beto.locator("#samples")
        expect(samples).to_contain_text("11 de 11 decididos, 1 con problemas")
        expect(samples).to_contain_text("menos de 10 % con problemas")
        audit = beto.locator("#audit")
        expect(audit.locator(f'tr[data-support="{sampled[2]}"]')).to_contain_text(ANA)
        expect(audit.locator(f'tr[data-support="{sampled[2]}"]')).to_contain_text(BETO)
    finally:
        other.close()

    decisions = api(server, "/v1/review/decisions?process_id=gub-son-2027&limit=50")["decisions"]
    recorded = {
        d["support_id"]: (d["decision"], d["reason"], d["decided_by"], d["proposed_by"])
        for d in decisions
    }
    wanted: dict[str, tuple[str, str | None, str, str | None]] = {
        sid: ("VALIDO", None, ANA, None) for sid in sampled[:10]
    }
    wanted[sampled[2]] = ("INCONSISTENCIA", "FOTOCOPIA", BETO, ANA)
    wanted[sampled[10]] = ("VALIDO", None, BETO, None)
    assert recorded == wanted and len(decisions) == 11
    statuses = {sid: wait_for_final(server, sid, recorded[sid][0]) for sid in sampled}
    assert [s for s in statuses.values() if s != "EN_LISTA_NOMINAL"] == ["INCONSISTENCIA"]
    overview_shows_the_numbers(server, page)
    shoot(page, "instituto-panorama.png")


def overview_shows_the_numbers(server: EmbeddedServer, page: Page) -> None:
    """The same tab (its session) on the overview, after an export of asp-01 has finished."""
    asked = api(server, "/v1/exports", {"process_id": "gub-son-2027", "aspirant_id": "asp-01"})
    job, deadline = asked, time.monotonic() + 90
    while job["status"] == "PENDING" and time.monotonic() < deadline:
        time.sleep(0.5)
        job = api(server, f"/v1/exports/{asked['export_id']}")
    progress = api(server, "/v1/processes/gub-son-2027/aspirants/asp-01/progress")
    assert progress["valid"] == 10
    met = "cumple" if progress["met"] else "no cumple"
    page.goto(f"{server.url}/instituto")
    mine = page.locator('tr[data-aspirant="asp-01"]')
    cells = mine.locator("td")
    expect(cells.nth(0)).to_have_text(f"10 de {progress['required']:,} ({met})")
    expect(cells.nth(2)).to_have_text("0")
    expect(cells.nth(3)).to_have_text("11/11 decididos, 1 con problemas; cerrada")
    done = f"Lista, {job['supports']} apoyos" if job["status"] == "READY" else "Falló"
    expect(cells.nth(4)).to_contain_text(done)
    theirs = page.locator('tr[data-aspirant="asp-02"] td')
    expect(theirs.nth(2)).to_have_text("0")
    expect(theirs.nth(3)).to_have_text("sin muestra")
    expect(theirs.nth(4)).to_have_text("sin exportación")
    expect(page.get_by_role("status")).to_contain_text("0 apoyos esperan en la mesa de control")
    assert_accessible(page)


def wait_for_final(server: EmbeddedServer, support_id: str, decision: str) -> str:
    """Capture's view of the support once the desk's revision reached it."""
    wanted = "EN_LISTA_NOMINAL" if decision == "VALIDO" else "INCONSISTENCIA"
    ople = server.token("ople")
    deadline, status = time.monotonic() + 60, ""
    while status != wanted and time.monotonic() < deadline:
        answer = httpx.get(f"{server.url}/v1/supports/{support_id}", headers=bearer(ople))
        status = str(answer.json()["status"])
        time.sleep(0.2)
    return status
