"""`apoyo serve all --embedded` answers bad input exactly as interfaces.md §5 lists, and
stores nothing for it."""

import asyncio
import json
import socket
import time
from collections.abc import Iterator

import asyncpg
import httpx
import pytest

from apoyo.client import support_data, support_files
from apoyo.demo import capture_window_around_now
from apoyo.synthetic.roll import demo_process
from apoyo_common.embedded_postgres import EmbeddedPostgres
from apoyo_common.keyring import is_sealed
from tests.component import embedded_server
from tests.component.embedded_server import EmbeddedServer
from tests.factories import citizen
from tests.roll_files import CUT

pytestmark = pytest.mark.component
# Supports are captured now: the window is around today; the cut holds the citizens posted.
PROCESS = demo_process(CUT) | {"capture": capture_window_around_now()}


@pytest.fixture(scope="module")
def server() -> Iterator[EmbeddedServer]:
    running = embedded_server.start()
    running.load_roll([citizen(i) for i in range(3)], CUT)
    running.create_process(PROCESS)
    yield running
    running.stop()
    # A clean shutdown takes the embedded PostgreSQL down with it.
    assert running.process.returncode == 0
    assert not EmbeddedPostgres(running.data / "postgres").is_running()
    embedded_server.remove(running)


@pytest.fixture(scope="module")
def aux(server: EmbeddedServer) -> str:
    return server.token("auxiliary", "gub-son-2027", "asp-01")


def post(
    server: EmbeddedServer,
    token: str | None,
    key: str | None,
    data: object,
    files: dict[str, tuple[str, bytes, str]],
) -> httpx.Response:
    headers = {} if token is None else {"Authorization": f"Bearer {token}"}
    headers |= {} if key is None else {"Idempotency-Key": key}
    form = {} if data is None else {"data": json.dumps(data)}
    return httpx.post(
        f"{server.url}/v1/supports", headers=headers, data=form, files=files, timeout=60
    )


def good(index: int = 1) -> tuple[dict[str, object], dict[str, tuple[str, bytes, str]]]:
    person = citizen(index)
    return support_data(person, "gub-son-2027", "asp-01"), support_files(person)


def stored(server: EmbeddedServer) -> tuple[int, int]:
    async def count() -> int:
        conn = await asyncpg.connect(server.dsn)
        try:
            return int(await conn.fetchval("SELECT count(*) FROM capture.supports"))
        finally:
            await conn.close()

    objects = server.data / "objects"
    files = sum(1 for p in objects.rglob("*") if p.is_file()) if objects.exists() else 0
    return asyncio.run(count()), files


def assert_sealed_on_disk(
    server: EmbeddedServer, support_id: str, files: dict[str, tuple[str, bytes, str]]
) -> None:
    """The evidence is stored sealed to the institute's keys, never as it was uploaded."""
    folder = server.data / "objects" / "evidence" / "gub-son-2027" / support_id
    stored = [p.read_bytes() for p in folder.iterdir()]
    uploaded = {content for _, content, _ in files.values()}
    assert len(stored) == len(uploaded)
    assert all(is_sealed(blob) and blob not in uploaded for blob in stored)


def expect(response: httpx.Response, status: int, code: str) -> None:
    assert response.status_code == status, response.text
    body = response.json()
    assert body["error"] == code and "detail" in body


def test_bad_inputs_get_their_status_and_nothing_is_stored(
    server: EmbeddedServer, aux: str
) -> None:
    data, files = good()
    before = stored(server)
    expect(
        post(server, aux, "b1", data, {k: v for k, v in files.items() if k != "signature"}),
        422,
        "missing_file",
    )
    expect(
        post(server, aux, "b2", {k: v for k, v in data.items() if k != "consent"}, files),
        422,
        "validation_error",
    )
    expect(post(server, aux, "b3", None, files), 422, "missing_field")
    pdf = {**files, "credential_front": ("x.jpg", b"%PDF-1.4 not an image", "image/jpeg")}
    expect(post(server, aux, "b4", data, pdf), 415, "unsupported_media_type")
    big = {
        **files,
        "credential_back": ("b.jpg", b"\xff\xd8\xff" + b"0" * (10 * 2**20), "image/jpeg"),
    }
    expect(post(server, aux, "b5", data, big), 413, "payload_too_large")
    expect(post(server, None, "b6", data, files), 401, "unauthorized")
    expect(post(server, aux[:-4] + "AAAA", "b7", data, files), 401, "unauthorized")
    other = server.token("auxiliary", "gub-son-2027", "asp-02")
    expect(post(server, other, "b8", data, files), 403, "forbidden")
    expect(post(server, aux, None, data, files), 400, "idempotency_key_required")
    assert stored(server) == before


def test_a_declared_length_over_the_limit_is_refused_before_reading(
    server: EmbeddedServer, aux: str
) -> None:
    request = (
        "POST /v1/supports HTTP/1.1\r\nHost: x\r\n"
        f"Authorization: Bearer {aux}\r\nIdempotency-Key: big\r\n"
        "Content-Type: multipart/form-data; boundary=x\r\n"
        f"Content-Length: {2**30}\r\nConnection: close\r\n\r\n--x"
    )
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
        sock.sendall(request.encode())  # a gigabyte is announced, three bytes are sent
        answer = b"".join(iter(lambda: sock.recv(65536), b"")).decode()
    assert answer.startswith("HTTP/1.1 413") and '"payload_too_large"' in answer


def test_idempotency_key_same_body_same_answer_other_body_409(
    server: EmbeddedServer, aux: str
) -> None:
    data, files = good()
    first = post(server, aux, "idem-1", data, files)
    assert first.status_code == 202 and first.json()["status"] == "RECIBIDO"
    again = post(server, aux, "idem-1", data, files)
    assert again.status_code == 202 and again.json() == first.json()
    changed = {**data, "nombre": "OTRO"}
    expect(post(server, aux, "idem-1", changed, files), 409, "idempotency_conflict")


def verified_view(url: str, token: str, seconds: float = 60) -> dict[str, object]:
    """The support as `GET` shows it once verification has given it a status."""
    deadline = time.monotonic() + seconds
    view: dict[str, object] = httpx.get(url, headers={"Authorization": f"Bearer {token}"}).json()
    while view["status"] == "RECIBIDO" and time.monotonic() < deadline:
        time.sleep(0.2)
        view = httpx.get(url, headers={"Authorization": f"Bearer {token}"}).json()
    return view


def test_get_support_by_role(server: EmbeddedServer, aux: str) -> None:
    data, files = good(2)  # a citizen no other test posts: not a duplicate
    support_id = post(server, aux, "get-1", data, files).json()["support_id"]
    ople = server.token("ople")
    own = server.token("aspirant", "gub-son-2027", "asp-01")
    other = server.token("aspirant", "gub-son-2027", "asp-02")
    url = f"{server.url}/v1/supports/{support_id}"
    view = verified_view(url, ople)
    assert view["support_id"] == support_id and view["status"] == "EN_LISTA_NOMINAL"
    assert_sealed_on_disk(server, support_id, files)  # and identity read them all the same
    assert view["channel"] == "AUXILIAR" and view["reasons"] == []
    assert httpx.get(url, headers={"Authorization": f"Bearer {own}"}).status_code == 200
    expect(httpx.get(url, headers={"Authorization": f"Bearer {other}"}), 403, "forbidden")
    expect(httpx.get(url), 401, "unauthorized")
    missing = httpx.get(
        f"{server.url}/v1/supports/nope", headers={"Authorization": f"Bearer {ople}"}
    )
    expect(missing, 404, "not_found")


def test_operations_endpoints(server: EmbeddedServer) -> None:
    assert httpx.get(f"{server.url}/healthz").json() == {"status": "ok"}
    assert httpx.get(f"{server.url}/readyz").json()["ready"] is True
    assert "apoyo_messages_in_total" in httpx.get(f"{server.url}/metrics").text
    spec = httpx.get(f"{server.url}/openapi.json").json()
    assert "/v1/supports" in spec["paths"] and "/v1/supports/{support_id}" in spec["paths"]
