from apoyo_common.codes import EvidenceKind
from apoyo_identity.domain import decode
from apoyo_notification.domain import notify
from apoyo_verification.domain import verify
from tests.factories import JPEG, NOW, captured


def test_outcome_is_recorded_and_no_message_is_claimed_sent() -> None:
    verified = verify(decode(captured(), dict.fromkeys(EvidenceKind, JPEG), b"k", NOW), NOW)
    notified = notify(verified, NOW)
    assert notified.messages_sent == 0 and notified.status == verified.status
