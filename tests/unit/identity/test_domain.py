from apoyo_common.codes import EvidenceKind
from apoyo_identity.domain import EVIDENCE_ALTERED, decode
from tests.factories import JPEG, NOW, captured, citizen


def images(data: bytes = JPEG) -> dict[EvidenceKind, bytes]:
    return {EvidenceKind.CREDENTIAL_FRONT: data, EvidenceKind.CREDENTIAL_BACK: data}


def test_measures_each_image_and_keys_the_citizen() -> None:
    decoded = decode(captured(), images(), b"secret", NOW)
    assert [f.bytes for f in decoded.evidence] == [len(JPEG), len(JPEG)]
    assert all(f.matches_capture for f in decoded.evidence) and decoded.flags == ()
    assert citizen().clave_elector not in decoded.citizen_key


def test_two_supports_of_one_citizen_share_the_key() -> None:
    one = decode(captured("s-1"), images(), b"secret", NOW)
    two = decode(captured("s-2"), images(), b"secret", NOW)
    other = decode(captured("s-3", citizen(3)), images(), b"secret", NOW)
    assert one.citizen_key == two.citizen_key != other.citizen_key


def test_stored_bytes_that_differ_from_capture_are_flagged() -> None:
    decoded = decode(captured(), images(JPEG + b"tampered"), b"secret", NOW)
    assert decoded.flags == (EVIDENCE_ALTERED,)
