import json
from dataclasses import replace
from datetime import timedelta

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from apoyo_capture.certificate import (
    FORMAT,
    Submission,
    certificate_body,
    certificate_problems,
    sign_certificate,
)
from apoyo_capture.grants import Grant, GrantKind
from apoyo_common.signing import canonical_json
from tests.factories import JPEG, NOW, captured

KEY = Ed25519PrivateKey.generate()
EVENT = captured("s-1")
SUBMISSION = Submission("203.0.113.7", "Mozilla/5.0 (Android)", "ab" * 32, "g-1")
GRANT = Grant(
    "g-1", GrantKind.INVITACION, "gub-son-2027", "asp-01", "ana@example.org",
    NOW - timedelta(days=2), NOW + timedelta(days=12), opened_at=NOW - timedelta(days=1),
)  # fmt: skip
IMAGES = {"credential_front": JPEG, "credential_back": JPEG}


def document(grant: Grant | None = GRANT) -> bytes:
    return sign_certificate(certificate_body(EVENT, SUBMISSION, grant, NOW), KEY)


def test_the_certificate_says_what_happened_and_when() -> None:
    parsed = json.loads(document())
    body = parsed["certificate"]
    assert parsed["format"] == FORMAT and parsed["signature"]["algorithm"] == "Ed25519"
    assert body["support_id"] == "s-1" and body["captured_by"] == "aux-1"
    assert body["email"] == {"address": "ana@example.org", "verified_by": "ENLACE_DE_INVITACION"}
    assert body["client"] == {"ip": "203.0.113.7", "user_agent": "Mozilla/5.0 (Android)"}
    assert body["events"]["invited_at"] == "2026-12-18T17:31:00Z"
    assert body["events"]["opened_at"] == "2026-12-19T17:31:00Z"
    assert body["events"]["received_at"] == body["events"]["email_verified_at"]
    assert [e["kind"] for e in body["evidence"]] == ["credential_back", "credential_front"]
    assert body["consent"] == {"sha256": "ab" * 32}


def test_self_service_and_auxiliary_certificates() -> None:
    code = replace(GRANT, kind=GrantKind.AUTOSERVICIO, email_verified_at=NOW - timedelta(hours=1))
    body = json.loads(document(code))["certificate"]
    assert body["email"]["verified_by"] == "CODIGO_UNICO"
    assert body["events"]["invited_at"] is None
    assert body["events"]["email_verified_at"] == "2026-12-20T16:31:00Z"
    plain = json.loads(document(None))["certificate"]
    assert plain["email"] == {"address": "persona@example.org", "verified_by": None}
    assert plain["events"]["opened_at"] is None


def test_an_intact_certificate_and_its_images_verify() -> None:
    assert certificate_problems(document(), KEY.public_key(), IMAGES) == []
    assert certificate_problems(document()) == []


def test_any_changed_byte_is_found() -> None:
    original = document()
    for index in range(len(original)):
        changed = bytearray(original)
        changed[index] ^= 0x01
        assert certificate_problems(bytes(changed), KEY.public_key()), index


def test_a_changed_image_or_another_key_is_found() -> None:
    original = document()
    changed = {**IMAGES, "credential_back": JPEG[:-1] + b"\x00"}
    assert certificate_problems(original, None, changed) == [
        "credential_back: la imagen no es la certificada"
    ]
    missing = {"credential_front": JPEG, "selfie": JPEG}
    assert certificate_problems(original, None, missing) == [
        "credential_back: falta la imagen",
        "selfie: imagen que la constancia no menciona",
    ]
    other = Ed25519PrivateKey.generate().public_key()
    assert "la constancia no está firmada con la llave indicada" in certificate_problems(
        original, other
    )


def test_a_resigned_certificate_fails_against_the_pinned_key() -> None:
    parsed = json.loads(document())
    parsed["certificate"]["aspirant_id"] = "asp-02"
    forged = sign_certificate(parsed["certificate"], Ed25519PrivateKey.generate())
    assert certificate_problems(forged) == []  # self-consistent …
    assert certificate_problems(forged, KEY.public_key())  # … but not the institute's


@pytest.mark.parametrize("text", [b"", b"[]", b'{"format":1}', '{"a":"\u00e9"}'.encode("latin-1")])
def test_what_is_not_a_certificate_says_so(text: bytes) -> None:
    assert len(certificate_problems(text)) == 1


def test_a_reformatted_file_is_not_the_signed_one() -> None:
    pretty = json.dumps(json.loads(document()), indent=2).encode()
    assert certificate_problems(pretty) == ["el archivo fue reescrito"]
    assert canonical_json(json.loads(pretty)) == document()
