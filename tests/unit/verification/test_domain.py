from apoyo_common.codes import Status
from apoyo_verification.domain import verify
from tests.factories import NOW, captured, identity_decoded


def test_no_rule_yet_so_the_status_stays_recibido() -> None:
    decoded = identity_decoded(captured())
    verified = verify(decoded, NOW)
    assert verified.status is Status.RECIBIDO and verified.reasons == ()
    assert verified.citizen_key == decoded.citizen_key and verified.email == "persona@example.org"
