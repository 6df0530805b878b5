"""Paper cédulas through `apoyo serve all --embedded`: the aspirant prints numbered sheets; a
scanned sheet sent with the credential copy enters the pipeline with channel CEDULA_PAPEL;
a scan of another aspirant's sheet, or of no sheet, is refused and nothing is stored."""

import io
import time
from collections.abc import Iterator

import httpx
import pytest

from apoyo.client import support_data, support_files
from apoyo.demo import capture_window_around_now
from apoyo.synthetic.roll import demo_process
from apoyo_capture.cedulas import Sheet
from apoyo_capture.consent import consent_text
from apoyo_capture.http.cedula_pdf import SheetHeader, render_page
from apoyo_common.processes import ProcessDefinition
from tests.component import embedded_server
from tests.component.embedded_server import EmbeddedServer, bearer
from tests.component.test_embedded_http import expect, post, stored
from tests.factories import citizen
from tests.roll_files import CUT

pytestmark = pytest.mark.component
PROCESS = demo_process(CUT) | {"capture": capture_window_around_now()}
SHEETS = "/v1/processes/gub-son-2027/aspirants/asp-01/cedulas.pdf"


@pytest.fixture(scope="module")
def server() -> Iterator[EmbeddedServer]:
    citizens = [citizen(i) for i in range(60, 63)]
    with embedded_server.serving(
        {"APOYO_RATE_IP_BURST": "2000"}, citizens, CUT, PROCESS
    ) as running:
        yield running


def scanned_sheet(aspirant: str, number: int) -> bytes:
    process = ProcessDefinition.model_validate(PROCESS)
    header = SheetHeader(process.name, aspirant, consent_text(process, aspirant))
    out = io.BytesIO()
    render_page(header, Sheet("gub-son-2027", aspirant, number)).save(out, format="PNG")
    return out.getvalue()


def paper(index: int, sheet: bytes) -> tuple[dict[str, object], dict[str, tuple[str, bytes, str]]]:
    someone = citizen(index)
    data = support_data(someone, "gub-son-2027", "asp-01") | {"channel": "CEDULA_PAPEL"}
    files = support_files(someone) | {"signature": ("hoja.png", sheet, "image/png")}
    return data, files


def test_the_aspirant_prints_numbered_sheets(server: EmbeddedServer) -> None:
    aspirant = server.token("aspirant", "gub-son-2027", "asp-01")
    got = httpx.get(
        f"{server.url}{SHEETS}", params={"first": 21, "sheets": 3}, headers=bearer(aspirant)
    )
    assert got.status_code == 200, got.text
    assert got.headers["content-type"] == "application/pdf"
    assert "cedulas-gub-son-2027-asp-01-21-23.pdf" in got.headers["content-disposition"]
    assert got.content.startswith(b"%PDF") and got.content.count(b"/Type /Page\n") == 3
    other = server.token("aspirant", "gub-son-2027", "asp-02")
    expect(httpx.get(f"{server.url}{SHEETS}", headers=bearer(other)), 403, "forbidden")
    expect(httpx.get(f"{server.url}{SHEETS}"), 401, "unauthorized")
    too_many = httpx.get(f"{server.url}{SHEETS}?sheets=201", headers=bearer(aspirant))
    expect(too_many, 422, "validation_error")
    ople = server.token("ople")
    assert httpx.get(f"{server.url}{SHEETS}", headers=bearer(ople)).status_code == 200


def test_a_scanned_sheet_enters_the_pipeline_as_paper(server: EmbeddedServer) -> None:
    aux = server.token("auxiliary", "gub-son-2027", "asp-01")
    before = stored(server)
    expect(post(server, aux, "p-1", *paper(60, scanned_sheet("asp-02", 1))), 422,
           "sheet_other_aspirant")  # fmt: skip
    data, files = paper(60, scanned_sheet("asp-01", 1))
    files["signature"] = support_files(citizen(60))["signature"]  # a signature, no sheet
    expect(post(server, aux, "p-2", data, files), 422, "sheet_code_missing")
    assert stored(server) == before
    accepted = post(server, aux, "p-3", *paper(60, scanned_sheet("asp-01", 1)))
    assert accepted.status_code == 202, accepted.text
    support_id = accepted.json()["support_id"]
    ople = server.token("ople")
    deadline = time.monotonic() + 30
    while True:
        view = httpx.get(f"{server.url}/v1/supports/{support_id}", headers=bearer(ople)).json()
        if view["status"] != "RECIBIDO" or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    assert view["channel"] == "CEDULA_PAPEL" and view["status"] == "EN_LISTA_NOMINAL", view
