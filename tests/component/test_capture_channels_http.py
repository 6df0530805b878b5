"""The capture channels through `apoyo serve all --embedded`: invitations, self-service,
auxiliaries, certificates and the capture-time guards, as a client meets them."""

import io
import json
import struct
import subprocess
import zlib
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from PIL import Image

from apoyo.demo import capture_window_around_now
from apoyo.synthetic.roll import demo_process
from tests.component import embedded_server
from tests.component.embedded_server import EmbeddedServer, bearer
from tests.component.test_embedded_http import expect, good, post, stored
from tests.factories import citizen
from tests.paths import APOYO
from tests.roll_files import CUT

pytestmark = pytest.mark.component
PROCESS = demo_process(CUT) | {"capture": capture_window_around_now()}
ENV = {
    "APOYO_ECHO_SECRETS": "true",
    "APOYO_RATE_IP_PER_S": "100",
    "APOYO_RATE_IP_BURST": "2000",
    "APOYO_RATE_TOKEN_PER_S": "0.2",
    "APOYO_RATE_TOKEN_BURST": "12",
}


@pytest.fixture(scope="module")
def server() -> Iterator[EmbeddedServer]:
    citizens = [citizen(i) for i in range(12)]
    with embedded_server.serving(ENV, citizens, CUT, PROCESS) as running:
        yield running


def invite(server: EmbeddedServer, *emails: str) -> list[dict[str, str]]:
    aspirant = server.token("aspirant", "gub-son-2027", "asp-01")
    body = {"process_id": "gub-son-2027", "aspirant_id": "asp-01", "emails": list(emails)}
    answer = httpx.post(f"{server.url}/v1/invitations", json=body, headers=bearer(aspirant))
    assert answer.status_code == 201, answer.text
    invitations: list[dict[str, str]] = answer.json()["invitations"]
    return invitations


def self_service(index: int) -> tuple[dict[str, object], dict[str, tuple[str, bytes, str]]]:
    data, files = good(index)
    return {**data, "channel": "AUTOSERVICIO"}, files


def test_an_invitation_link_opens_without_spending_and_is_spent_once(
    server: EmbeddedServer,
) -> None:
    [invitation] = invite(server, "ana@example.org")
    assert invitation["status"] == "CREADA" and "/i/" in invitation["link"]
    link = invitation["link"]
    token = link.rsplit("/", 1)[1]
    for _ in range(2):  # a mail scanner, then the person
        page = httpx.get(link)
        assert page.status_code == 200 and "un solo apoyo" in page.text
        assert page.headers["referrer-policy"] == "no-referrer"
    data, files = self_service(3)
    first = post(server, token, "inv-1", data, files)
    assert first.status_code == 202, first.text
    assert post(server, token, "inv-1", data, files).json() == first.json()
    expect(post(server, token, "inv-2", *self_service(4)), 409, "token_used")
    assert httpx.get(link).status_code == 410
    aspirant = server.token("aspirant", "gub-son-2027", "asp-01")
    listing = f"{server.url}/v1/processes/gub-son-2027/aspirants/asp-01/invitations"
    mine = [
        row
        for row in httpx.get(listing, headers=bearer(aspirant)).json()["invitations"]
        if row["invitation_id"] == invitation["invitation_id"]
    ]
    assert mine[0]["status"] == "USADA" and mine[0]["support_id"] == first.json()["support_id"]
    assert mine[0]["opened_at"] and "link" not in mine[0]
    forged = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
    expect(post(server, forged, "inv-3", *self_service(5)), 401, "unauthorized")
    assert httpx.get(link[:-4] + forged[-4:]).status_code == 404


def test_a_get_never_spends_and_a_plain_citizen_token_captures_nothing(
    server: EmbeddedServer,
) -> None:
    [invitation] = invite(server, "beto@example.org")
    token = invitation["link"].rsplit("/", 1)[1]
    for path in ("", "?submit=1"):
        assert httpx.get(invitation["link"] + path).status_code == 200
    assert httpx.post(invitation["link"]).status_code == 405
    plain = server.token("citizen", "gub-son-2027", "asp-01")
    expect(post(server, plain, "plain-1", *self_service(6)), 401, "token_invalid")
    assert post(server, token, "beto-1", *self_service(6)).status_code == 202


def test_self_service_code_then_one_support(server: EmbeddedServer) -> None:
    page = httpx.get(f"{server.url}/c/gub-son-2027/asp-01")
    assert page.status_code == 200 and "24 horas" in page.text
    asked = httpx.post(
        f"{server.url}/v1/self-service/codes",
        json={"process_id": "gub-son-2027", "aspirant_id": "asp-01", "email": "c@example.org"},
    )
    assert asked.status_code == 202, asked.text
    request_id, code = asked.json()["request_id"], asked.json()["code"]
    url = f"{server.url}/v1/self-service/tokens"
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    expect(httpx.post(url, json={"request_id": request_id, "code": wrong}), 422, "code_wrong")
    issued = httpx.post(url, json={"request_id": request_id, "code": code})
    assert issued.status_code == 200, issued.text
    token = issued.json()["token"]
    assert post(server, token, "ss-1", *self_service(7)).status_code == 202
    expect(post(server, token, "ss-2", *self_service(8)), 409, "token_used")


def test_auxiliaries_serve_one_aspirant_and_revoked_ones_stop(server: EmbeddedServer) -> None:
    aspirant = server.token("aspirant", "gub-son-2027", "asp-01")
    base = f"{server.url}/v1/processes/gub-son-2027/aspirants/asp-01/auxiliaries"
    fura = {
        "nombre": "Noé", "apellido_paterno": "Luna", "clave_elector": "LNACNO90010126H100",
        "email": "noe@example.org", "accepted_data_protection": True,
    }  # fmt: skip
    registered = httpx.post(base, json=fura, headers=bearer(aspirant))
    assert registered.status_code == 201, registered.text
    aux, aux_id = registered.json()["token"], registered.json()["auxiliary_id"]
    expect(httpx.post(base, json=fura, headers=bearer(aspirant)), 409, "auxiliary_taken")
    data, files = good(9)
    expect(post(server, aux, "x-1", {**data, "aspirant_id": "asp-02"}, files), 403, "forbidden")
    assert post(server, aux, "x-2", data, files).status_code == 202
    listing = httpx.get(base, headers=bearer(aspirant)).json()["auxiliaries"]
    mine = [row for row in listing if row["auxiliary_id"] == aux_id]
    assert mine[0]["supports"] == 1 and mine[0]["status"] == "ACTIVO"
    other = server.token("aspirant", "gub-son-2027", "asp-02")
    expect(httpx.get(base, headers=bearer(other)), 403, "forbidden")
    revoke = httpx.post(f"{server.url}/v1/auxiliaries/{aux_id}/revoke", headers=bearer(aspirant))
    assert revoke.json()["status"] == "REVOCADO"
    before = stored(server)
    expect(post(server, aux, "x-3", *good(10)), 401, "token_revoked")
    assert stored(server) == before


def verify(*args: str) -> subprocess.CompletedProcess[str]:
    command = [APOYO, "certificate", "verify", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)


def test_the_certificate_verifies_and_any_change_is_found(
    server: EmbeddedServer, tmp_path: Path
) -> None:
    [invitation] = invite(server, "dora@example.org")
    token = invitation["link"].rsplit("/", 1)[1]
    httpx.get(invitation["link"])
    data, files = self_service(11)
    support_id = post(server, token, "cert-1", data, files).json()["support_id"]
    url = f"{server.url}/v1/supports/{support_id}/certificate"
    document = httpx.get(url, headers=bearer(token))  # the citizen's receipt
    assert document.status_code == 200 and document.headers["content-type"] == "application/json"
    body = json.loads(document.content)["certificate"]
    assert body["channel"] == "AUTOSERVICIO" and body["email"]["address"] == "dora@example.org"
    assert body["events"]["opened_at"] and body["client"]["ip"] == "127.0.0.1"
    ople = server.token("ople")
    assert httpx.get(url, headers=bearer(ople)).content == document.content
    pdf = httpx.get(url, headers=bearer(ople) | {"Accept": "application/pdf"})
    assert pdf.content.startswith(b"%PDF")
    key = tmp_path / "institute.pem"
    key.write_bytes(httpx.get(f"{server.url}/v1/certificates/public-key.pem").content)
    (tmp_path / "images").mkdir()
    for name in ("credential_front", "credential_back", "signature"):
        (tmp_path / "images" / f"{name}.img").write_bytes(files[name][1])
    certificate = tmp_path / "certificate.json"
    certificate.write_bytes(document.content)
    args = ["--public-key", str(key), "--evidence", str(tmp_path / "images")]
    assert verify(str(certificate), *args).returncode == 0
    changed = bytearray(document.content)
    changed[len(changed) // 2] ^= 0x01
    certificate.write_bytes(bytes(changed))
    assert verify(str(certificate), *args).returncode == 1
    certificate.write_bytes(document.content)
    front = tmp_path / "images" / "credential_front.img"
    front.write_bytes(front.read_bytes()[:-1] + b"\x00")
    failed = verify(str(certificate), *args)
    assert failed.returncode == 1 and "credential_front" in failed.stderr


def png_bomb(side: int) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", side, side, 8, 0, 0, 0, 0)
    rows = zlib.compress(b"\x00" * (side + 1) * 64, 9)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", rows) + chunk(b"IEND", b"")
    )


def test_bombs_and_broken_images_are_refused_and_nothing_is_stored(server: EmbeddedServer) -> None:
    aux = server.token("auxiliary", "gub-son-2027", "asp-01")
    data, files = good(1)
    before = stored(server)
    bomb = {**files, "credential_front": ("f.png", png_bomb(20_000), "image/png")}
    expect(post(server, aux, "bomb-1", data, bomb), 413, "image_too_large")
    half = files["credential_back"][1]
    broken = {**files, "credential_back": ("b.jpg", half[: len(half) // 2], "image/jpeg")}
    expect(post(server, aux, "bomb-2", data, broken), 422, "invalid_image")
    renamed = io.BytesIO()
    Image.new("RGB", (64, 64)).save(renamed, format="GIF")
    gif = {**files, "signature": ("firma.png", renamed.getvalue(), "image/png")}
    expect(post(server, aux, "bomb-3", data, gif), 415, "unsupported_media_type")
    extra = {**files, **{f"x{n}": (f"{n}.png", b"x", "image/png") for n in range(3)}}
    too_many = post(server, aux, "bomb-4", data, extra)
    assert too_many.status_code in (400, 422) and too_many.json()["error"]
    assert stored(server) == before


def test_rate_limit_per_token_answers_429_with_retry_after(server: EmbeddedServer) -> None:
    aux = server.token("auxiliary", "gub-son-2027", "asp-02")
    codes = [post(server, aux, f"r{n}", None, {}).status_code for n in range(14)]
    assert codes[:12] == [415] * 12 and codes[12:] == [429, 429]  # counted before reading
    answer = post(server, aux, "r-last", None, {})
    assert answer.json()["error"] == "too_many_requests"
    assert int(answer.headers["retry-after"]) >= 1


def test_campaign_link_and_printable_qr(server: EmbeddedServer) -> None:
    aspirant = server.token("aspirant", "gub-son-2027", "asp-01")
    base = f"{server.url}/v1/processes/gub-son-2027/aspirants/asp-01"
    campaign = httpx.get(f"{base}/campaign", headers=bearer(aspirant)).json()
    assert campaign["link"].endswith("/c/gub-son-2027/asp-01")
    png = httpx.get(f"{base}/campaign.png", headers=bearer(aspirant))
    with Image.open(io.BytesIO(png.content)) as image:
        assert image.format == "PNG" and image.width > 200
    consent = httpx.get(f"{base}/consent").json()
    assert consent["version"] == "1" and len(consent["sha256"]) == 64
    spec = httpx.get(f"{server.url}/openapi.json").json()["paths"]
    assert "/v1/invitations" in spec and "/v1/supports/{support_id}/certificate" in spec
