import pytest
from pydantic import ValidationError

from apoyo_capture.domain import (
    EvidenceFile,
    SupportRequest,
    captured_event,
    fingerprint,
)
from apoyo_common.codes import EvidenceKind
from tests.factories import JPEG, NOW, PNG

DATA = {
    "process_id": "gub-son-2027",
    "aspirant_id": "asp-01",
    "channel": "AUXILIAR",
    "clave_elector": "GRSOMR80010126H123",
    "ocr": "0123456789012",
    "consent": True,
}


def request(**changes: object) -> SupportRequest:
    return SupportRequest.model_validate({**DATA, **changes})


@pytest.mark.parametrize(
    "field,value",
    [
        ("consent", False),
        ("ocr", "12AB"),
        ("cic", "12"),
        ("channel", "FAX"),
        ("clave_elector", "GRSOMR"),
        ("email", "no-at-sign"),
        ("unknown", 1),
    ],
)
def test_bad_fields_are_refused(field: str, value: object) -> None:
    with pytest.raises(ValidationError):
        request(**{field: value})


def test_fingerprint_changes_with_data_or_files_only() -> None:
    files = [EvidenceFile(EvidenceKind.CREDENTIAL_FRONT, JPEG, "image/jpeg", "jpg")]
    other = [EvidenceFile(EvidenceKind.CREDENTIAL_FRONT, JPEG + b"!", "image/jpeg", "jpg")]
    assert fingerprint(request(), files) == fingerprint(request(), list(files))
    assert fingerprint(request(), files) != fingerprint(request(), other)
    assert fingerprint(request(), files) != fingerprint(request(nombre="ANA"), files)


def test_captured_event_references_each_file_by_hash() -> None:
    files = [EvidenceFile(EvidenceKind.CREDENTIAL_BACK, PNG, "image/png", "png")]
    event = captured_event(
        support_id="s-9", request=request(), files=files, captured_by="aux-1", received_at=NOW
    )
    [ref] = event.evidence
    assert ref.object_key == "evidence/gub-son-2027/s-9/credential_back.png"
    assert ref.sha256 == files[0].sha256 and ref.bytes == len(PNG)
    assert event.form.clave_elector == "GRSOMR80010126H123"
