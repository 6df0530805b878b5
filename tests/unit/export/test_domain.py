import hashlib

from apoyo_export.domain import canonical_json, record_of, stage
from apoyo_notification.domain import notify
from tests.factories import NOW, captured, identity_decoded, verified


def test_record_hash_is_over_canonical_json() -> None:
    decoded = identity_decoded(captured())
    notified = notify(verified(decoded, NOW), NOW)
    exported = stage(notified, NOW)
    expected = hashlib.sha256(canonical_json(record_of(notified))).hexdigest()
    assert exported.record_sha256 == expected
    assert canonical_json({"b": 1, "a": "ñ"}) == '{"a":"ñ","b":1}'.encode()
