"""Hostile input on the capture API of the all-units app (docs/security.md, "Hostile input"):
malformed images, path tricks in file names, names in every Unicode shape, very long fields,
injection strings and floods. Each gets a 4xx JSON refusal and leaves no row or object
behind, or is stored exactly as given."""

import io
import json
import struct
import unicodedata
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest
from PIL import Image

from apoyo.client import support_data
from apoyo_common.codes import Role
from apoyo_common.tokens import Principal, issue
from tests.component.all_units import AllUnits, all_units
from tests.factories import NOW, citizen, process
from tests.unit.capture.test_images import png_bomb

pytestmark = pytest.mark.component
SECRET = "hostile-test-secret-of-at-least-32-bytes"
Files = dict[str, tuple[str, bytes, str]]


def token(role: Role, subject: str = "prueba") -> dict[str, str]:
    principal = Principal(role, f"{role.value}:{subject}", "gub-son-2027", "asp-01")
    return {"Authorization": "Bearer " + issue(SECRET, principal, timedelta(minutes=10))}


def encoded(fmt: str, size: tuple[int, int] = (320, 200)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (90, 120, 30)).save(out, format=fmt)
    return out.getvalue()


def good_files() -> Files:
    return {
        "credential_front": ("front.jpg", encoded("JPEG"), "image/jpeg"),
        "credential_back": ("back.jpg", encoded("JPEG"), "image/jpeg"),
        "signature": ("firma.png", encoded("PNG"), "image/png"),
    }


def jpeg_claiming(width: int, height: int) -> bytes:
    """A small JPEG whose frame header (SOF0) declares another size."""
    data = bytearray(encoded("JPEG", (16, 16)))
    sof = data.index(b"\xff\xc0")
    data[sof + 5 : sof + 9] = struct.pack(">HH", height, width)
    return bytes(data)


@pytest.fixture
async def served(pool: asyncpg.Pool, tmp_path: Path) -> AsyncIterator[AllUnits]:
    settings = {"rate_ip_burst": 1000, "rate_token_burst": 1000}
    async with all_units(pool, tmp_path / "objects", SECRET, **settings) as units:
        await units.exposed("capture", "repository").save_process(process())
        yield units


async def stored(pool: asyncpg.Pool, folder: Path) -> tuple[int, int]:
    rows = await pool.fetchval("SELECT count(*) FROM capture.supports")
    objects = sum(1 for p in folder.rglob("*") if p.is_file()) if folder.exists() else 0
    return int(rows), objects


async def post(
    client: httpx.AsyncClient, key: str, data: dict[str, Any], files: Files
) -> httpx.Response:
    headers = token(Role.AUXILIARY) | {"Idempotency-Key": key}
    form = {"data": json.dumps(data)}
    return await client.post("/v1/supports", headers=headers, data=form, files=files)


def refused(answer: httpx.Response, status: int, code: str) -> None:
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"].startswith("application/json")
    assert answer.json()["error"] == code and answer.json()["detail"]


IDS = ("gub-son-2027", "asp-01")


def form(index: int, **fields: Any) -> dict[str, Any]:
    """A support's `data` part, captured at the all-units clock's now, with `fields` over it."""
    return support_data(citizen(index), *IDS) | {"captured_at": NOW.isoformat()} | fields


BAD_IMAGES = {
    "truncated_jpeg": (encoded("JPEG")[:400], 422, "invalid_image"),
    "truncated_png": (encoded("PNG")[:60], 422, "invalid_image"),
    "absurd_dimensions": (jpeg_claiming(65_000, 65_000), 413, "image_too_large"),
    "decompression_bomb": (png_bomb(30_000, 30_000), 413, "image_too_large"),
    "html_then_png": (b"<html><script>alert(1)</script>" + encoded("PNG"), 415,
                      "unsupported_media_type"),
    "pdf": (b"%PDF-1.7\n1 0 obj<<>>endobj\n", 415, "unsupported_media_type"),
    "gif": (encoded("GIF"), 415, "unsupported_media_type"),
    "empty": (b"", 422, "missing_file"),
}  # fmt: skip


@pytest.mark.parametrize("case", sorted(BAD_IMAGES))
async def test_a_malformed_image_is_refused_and_nothing_is_stored(
    served: AllUnits, pool: asyncpg.Pool, tmp_path: Path, case: str
) -> None:
    data, status, code = BAD_IMAGES[case]
    files = good_files() | {"credential_back": ("back.jpg", data, "image/jpeg")}
    before = await stored(pool, tmp_path / "objects")
    answer = await post(served.client, "k-" + case, form(1), files)
    refused(answer, status, code)
    assert await stored(pool, tmp_path / "objects") == before


async def details(served: AllUnits, support_id: str) -> dict[str, Any]:
    answer = await served.client.get(f"/v1/supports/{support_id}/details", headers=token(Role.OPLE))
    assert answer.status_code == 200, answer.text
    found: dict[str, Any] = answer.json()
    return found


async def test_the_type_comes_from_the_bytes_and_the_file_name_is_never_used(
    served: AllUnits, tmp_path: Path
) -> None:
    """A PNG sent as `image/jpeg` named `../../etc/passwd` is stored as a PNG under a key of
    capture's making; a JPEG with a ZIP after its end (two formats at once) is a JPEG."""
    polyglot = encoded("JPEG") + b"PK\x03\x04" + b"\x00" * 26 + b"evil.sh"
    files = {
        "credential_front": ("../../etc/passwd", encoded("PNG"), "image/jpeg"),
        "credential_back": ("/abs/" + "x" * 200 + ".jpg", polyglot, "text/html"),
        "signature": ("..\\..\\fir\x00ma.png", encoded("PNG"), "application/octet-stream"),
    }
    answer = await post(served.client, "k-names", form(2), files)
    assert answer.status_code == 202, answer.text
    found = await details(served, answer.json()["support_id"])
    kinds = {e["kind"]: e for e in found["evidence"]}
    assert kinds["credential_front"]["content_type"] == "image/png"
    assert kinds["credential_back"]["content_type"] == "image/jpeg"
    keys = [p.relative_to(tmp_path).as_posix() for p in (tmp_path / "objects").rglob("*")]
    assert keys and not any(bad in k for k in keys for bad in ("passwd", "abs", "evil", "fir"))


async def test_a_malformed_multipart_is_a_400_and_nothing_is_stored(
    served: AllUnits, pool: asyncpg.Pool, tmp_path: Path
) -> None:
    """A part header over the parser's limit (a 5,000-character file name) is refused in
    Spanish, like every refusal, not with the parser's English message."""
    files = good_files() | {"signature": ("x" * 5000 + ".png", encoded("PNG"), "image/png")}
    before = await stored(pool, tmp_path / "objects")
    refused(await post(served.client, "k-long", form(5), files), 400, "invalid_multipart")
    assert await stored(pool, tmp_path / "objects") == before


NAMES = {
    "nfc": unicodedata.normalize("NFC", "MUÑOZ PÉREZ"),
    "nfd": unicodedata.normalize("NFD", "MUÑOZ PÉREZ"),
    "combining": "ZA\u0308\u0301LGO",  # stacked marks no single code point holds
    "sql": "O'BRIEN'); DROP TABLE capture.supports;--",
    "script": '<script>alert("x")</script> & "ANA"',
}


@pytest.mark.parametrize("case", sorted(NAMES))
async def test_a_name_is_stored_exactly_as_given(served: AllUnits, case: str) -> None:
    name = NAMES[case]
    data = form(3, nombre=name, apellido_materno=name)
    answer = await post(served.client, "k-" + case, data, good_files())
    assert answer.status_code == 202, answer.text
    kept = (await details(served, answer.json()["support_id"]))["form"]
    assert kept["nombre"] == name and kept["apellido_materno"] == name
    assert kept["nombre"].encode() == name.encode()  # no normalization, NFD stays NFD


BAD_FIELDS = {
    "very_long_name": {"nombre": "A" * 101},
    "very_long_email": {"email": "a" * 64 + "@" + "b" * 250 + ".mx"},
    "nul_in_name": {"nombre": "ANA\x00MARIA"},
    "control_in_name": {"apellido_paterno": "RUIZ\x1b[2J"},
    "bidi_override_in_name": {"nombre": "ANA\u202eZIUR"},
    "nul_in_email": {"email": "ana\x00@example.org"},
    "lone_surrogate": {"nombre": "ANA\ud800"},
    "bad_clave": {"clave_elector": "' OR 1=1 --"},
    "unknown_field": {"nombre_completo": "ANA"},
}


@pytest.mark.parametrize("case", sorted(BAD_FIELDS))
async def test_a_bad_field_is_a_422_and_nothing_is_stored(
    served: AllUnits, pool: asyncpg.Pool, tmp_path: Path, case: str
) -> None:
    data = form(4, **BAD_FIELDS[case])
    before = await stored(pool, tmp_path / "objects")
    answer = await post(served.client, "k-" + case, data, good_files())
    refused(answer, 422, "validation_error")
    assert await stored(pool, tmp_path / "objects") == before


def throttled(answer: httpx.Response) -> bool:
    if answer.status_code != 429:
        return False
    refused(answer, 429, "too_many_requests")
    return int(answer.headers["Retry-After"]) >= 1


async def test_a_flood_from_one_address_gets_429_on_every_public_entry(
    pool: asyncpg.Pool, tmp_path: Path
) -> None:
    """One bucket per client address for all of capture's routes, taken before the token is
    read: floods of bad tokens, code guesses or key downloads all count."""
    limits = {"rate_ip_burst": 6, "rate_ip_per_s": 0.01}
    async with all_units(pool, tmp_path / "objects", SECRET, **limits) as units:
        client = units.client
        calls = [
            lambda: client.get("/v1/certificates/public-key.pem"),
            lambda: client.post("/v1/self-service/tokens", json={"request_id": "r", "code": "1"}),
            lambda: client.post("/v1/supports", headers={"Authorization": "Bearer forged"}),
        ]
        answers = [await calls[i % 3]() for i in range(12)]
    assert [throttled(a) for a in answers] == [False] * 6 + [True] * 6


async def test_guessing_a_self_service_code_gets_429(pool: asyncpg.Pool, tmp_path: Path) -> None:
    limits = {"rate_ip_burst": 1000, "rate_token_burst": 4, "rate_token_per_s": 0.01}
    async with all_units(pool, tmp_path / "objects", SECRET, **limits) as units:
        guess = {"request_id": "una-solicitud", "code": "000000"}
        answers = [await units.client.post("/v1/self-service/tokens", json=guess) for _ in range(6)]
    assert [throttled(a) for a in answers] == [False] * 4 + [True] * 2


async def test_an_e_mail_with_a_control_character_gets_no_code(served: AllUnits) -> None:
    body = {"process_id": IDS[0], "aspirant_id": IDS[1], "email": "ana\x00@example.org"}
    refused(await served.client.post("/v1/self-service/codes", json=body), 422, "validation_error")


AGENTS = {
    "script_and_sql": b'<script>alert("x")</script> O\'BRIEN; DROP TABLE x;--' + b"x" * 600,
    "utf8_bytes": "ZA\u0308\u0301LGO ÑÓ \u202e".encode(),  # HTTP headers are bytes: latin-1
}


@pytest.mark.parametrize("case", sorted(AGENTS))
async def test_a_hostile_user_agent_is_kept_in_the_certificate_and_its_pdf_renders(
    served: AllUnits, case: str
) -> None:
    agent = AGENTS[case]
    bearer = {k.encode(): v.encode() for k, v in token(Role.AUXILIARY).items()}
    headers = bearer | {b"Idempotency-Key": b"k-" + case.encode(), b"User-Agent": agent}
    form_part = {"data": json.dumps(form(6))}
    answer = await served.client.post(
        "/v1/supports", headers=headers, data=form_part, files=good_files()
    )
    assert answer.status_code == 202, answer.text
    url = f"/v1/supports/{answer.json()['support_id']}/certificate"
    document = await served.client.get(url, headers=token(Role.OPLE))
    assert document.status_code == 200, document.text
    kept = document.json()["certificate"]["client"]["user_agent"]
    assert kept == agent.decode("latin-1")[:400]
    pdf = await served.client.get(url, headers=token(Role.OPLE) | {"Accept": "application/pdf"})
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


NUL_PROBES = {
    "progress": ("GET", "/v1/processes/gub%00/aspirants/asp-01/progress", None),
    "support": ("GET", "/v1/supports/s%00/details", None),
    "review_item": ("GET", "/v1/review/items/s%00", None),
    "review_queue": ("GET", "/v1/review/queue?process_id=gub%00", None),
    "hearing": ("GET", "/v1/processes/gub%00/aspirants/asp-01/hearing", None),
    "export": ("POST", "/v1/exports", {"process_id": "gub\x00", "aspirant_id": "asp-01"}),
    "export_show": ("GET", "/v1/exports/e%00", None),
    "sample": ("POST", "/v1/review/samples", {"process_id": "g\x00", "aspirant_id": "a"}),
    "lookup": ("POST", "/v1/lookup", {"clave_elector": "RZXXAN90010126M100", "support_id": "\x00"}),
    # A lone surrogate, sent as the JSON escape, cannot be encoded as UTF-8 for a query.
    "export_surrogate": ("POST", "/v1/exports", b'{"process_id": "g\\ud800", "aspirant_id": "a"}'),
    "sample_surrogate": (
        "POST",
        "/v1/review/samples",
        b'{"process_id": "g", "aspirant_id": "\\ud800"}',
    ),
    "lookup_surrogate": ("POST", "/v1/lookup", b'{"clave_elector": "\\ud800", "support_id": "s"}'),
}


@pytest.mark.parametrize("case", sorted(NUL_PROBES))
async def test_a_nul_anywhere_is_a_4xx_not_a_500(served: AllUnits, case: str) -> None:
    """PostgreSQL's text holds no NUL: a route that passes one to a query gets the database's
    error, which must come back as a refusal."""
    method, url, body = NUL_PROBES[case]
    sent = {"content": body} if isinstance(body, bytes) else {"json": body}
    answer = await served.client.request(method, url, **sent, headers=token(Role.OPLE))
    assert 400 <= answer.status_code < 500, answer.text
    assert answer.json()["error"] and answer.json()["detail"]
