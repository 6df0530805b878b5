from apoyo_common.codes import EvidenceKind, Status
from apoyo_identity.domain import decode
from apoyo_verification.domain import verify
from tests.factories import JPEG, NOW, captured


def test_no_rule_yet_so_the_status_stays_recibido() -> None:
    decoded = decode(captured(), dict.fromkeys(EvidenceKind, JPEG), b"k", NOW)
    verified = verify(decoded, NOW)
    assert verified.status is Status.RECIBIDO and verified.reasons == ()
    assert verified.citizen_key == decoded.citizen_key and verified.email == "persona@example.org"
