from apoyo_notification.domain import notify
from apoyo_verification.domain import verify
from tests.factories import NOW, captured, identity_decoded


def test_outcome_is_recorded_and_no_message_is_claimed_sent() -> None:
    verified = verify(identity_decoded(captured()), NOW)
    notified = notify(verified, NOW)
    assert notified.messages_sent == 0 and notified.status == verified.status
