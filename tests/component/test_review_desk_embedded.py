"""`apoyo serve all --embedded` as a user runs it: a reviewer's decision reaches the support's
view in capture, and `apoyo process reverify --data DIR` against a newer cut, run beside the
server, changes only the outcome the newer cut changes."""

import json
import time
from collections.abc import Iterator
from datetime import timedelta

import httpx
import pytest

from apoyo.client import support_data, support_files
from apoyo.demo import capture_window_around_now
from apoyo.synthetic.roll import demo_process, roll_csv
from tests.component import embedded_server
from tests.component.embedded_server import EmbeddedServer, bearer
from tests.factories import citizen
from tests.roll_files import CUT

pytestmark = pytest.mark.component
PROCESS = demo_process(CUT) | {"capture": capture_window_around_now()}
NEWER = CUT + timedelta(days=61)


@pytest.fixture(scope="module")
def server() -> Iterator[EmbeddedServer]:
    with embedded_server.serving({}, [citizen(i) for i in range(3)], CUT, PROCESS) as running:
        yield running


def status_of(server: EmbeddedServer, support_id: str, ople: str, wanted: str) -> str:
    """The support's status as capture shows it, once it is `wanted` (or after 60 s)."""
    url, deadline = f"{server.url}/v1/supports/{support_id}", time.monotonic() + 60
    status = ""
    while status != wanted and time.monotonic() < deadline:
        time.sleep(0.2)
        status = str(httpx.get(url, headers=bearer(ople)).json()["status"])
    return status


def posted(server: EmbeddedServer, index: int) -> str:
    aux = server.token("auxiliary", "gub-son-2027", "asp-01")
    person = citizen(index)
    answer = httpx.post(
        f"{server.url}/v1/supports",
        headers=bearer(aux) | {"Idempotency-Key": f"desk-{index}"},
        data={"data": json.dumps(support_data(person, "gub-son-2027", "asp-01"))},
        files=support_files(person),
        timeout=60,
    )
    assert answer.status_code == 202, answer.text
    return str(answer.json()["support_id"])


def test_a_decision_and_a_reverification_reach_capture(server: EmbeddedServer) -> None:
    ople = server.token("ople")
    kept, dies = posted(server, 0), posted(server, 1)
    for support_id in (kept, dies):
        assert status_of(server, support_id, ople, "EN_LISTA_NOMINAL") == "EN_LISTA_NOMINAL"
    review = f"{server.url}/v1/review"
    body = {"process_id": "gub-son-2027", "aspirant_id": "asp-01", "size": 2, "seed": 5}
    assert httpx.post(f"{review}/samples", json=body, headers=bearer(ople)).status_code == 201
    decision = {"decision": "INCONSISTENCIA", "reason": "FIRMA_NO_VALIDA", "note": "otra firma"}
    answer = httpx.post(f"{review}/items/{kept}/decision", json=decision, headers=bearer(ople))
    assert answer.status_code == 200, answer.text
    assert status_of(server, kept, ople, "INCONSISTENCIA") == "INCONSISTENCIA"

    newer = [citizen(i) for i in range(3)]
    text = roll_csv(newer).splitlines()
    text[2] = text[2].replace(",LN,", ",BAJA,") + "DEFUNCION"  # citizen 1 died
    path = server.data / "newer.csv"
    path.write_text("\n".join(text) + "\n", encoding="utf-8")
    server.cli("voter-roll", "load", str(path), "--cut", NEWER.isoformat())
    report = json.loads(
        server.cli("process", "reverify", "gub-son-2027", "--cut", NEWER.isoformat())
    )
    assert (report["judged"], report["published"]) == (2, 1), report
    assert status_of(server, dies, ople, "BAJA") == "BAJA"
    assert status_of(server, kept, ople, "INCONSISTENCIA") == "INCONSISTENCIA"
