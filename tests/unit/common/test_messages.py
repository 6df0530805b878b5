import pytest
from pydantic import ValidationError

from apoyo_common.messages import SupportCaptured
from apoyo_common.processes import ProcessDefinition
from tests.factories import captured, process


def test_events_round_trip_and_are_frozen() -> None:
    event = captured()
    again = SupportCaptured.model_validate_json(event.model_dump_json())
    assert again == event and again.schema_version == 1 and again.topic == "support.captured"
    with pytest.raises(ValidationError):
        event.support_id = "other"  # type: ignore[misc]


def test_unknown_fields_and_versions_are_refused() -> None:
    data = captured().model_dump(mode="json")
    with pytest.raises(ValidationError):
        SupportCaptured.model_validate({**data, "extra": 1})
    with pytest.raises(ValidationError):
        SupportCaptured.model_validate({**data, "schema_version": 3})


def test_version_2_and_only_it_carries_the_certificate_byte_for_byte() -> None:
    data = captured().model_dump(mode="json")
    document = '{"certificate":{"email":"año@example.mx"},"format":"x"}'.encode()
    event = SupportCaptured.model_validate_json(captured().carrying(document).model_dump_json())
    assert event.schema_version == 2 and event.certificate_bytes == document
    assert captured().certificate_bytes is None
    with pytest.raises(ValidationError, match="schema_version 2"):
        SupportCaptured.model_validate({**data, "schema_version": 2})
    with pytest.raises(ValidationError, match="schema_version 2"):
        SupportCaptured.model_validate({**data, "certificate": document.decode()})


def test_events_carry_references_not_image_bytes() -> None:
    fields = SupportCaptured.model_fields["evidence"].annotation
    assert "bytes" not in str(fields).lower().replace("evidenceref", "")


def test_process_definition_rules() -> None:
    data = process().model_dump(mode="json")
    with pytest.raises(ValidationError, match="unique"):
        ProcessDefinition.model_validate({**data, "aspirants": [{"id": "a", "name": "x"}] * 2})
    with pytest.raises(ValidationError, match="after"):
        ProcessDefinition.model_validate(
            {**data, "capture": {"start": "2027-01-02T00:00:00Z", "end": "2027-01-01T00:00:00Z"}}
        )
    assert process().has_aspirant("asp-01") and not process().has_aspirant("asp-09")
