from apoyo_notification.domain import notify
from tests.factories import NOW, captured, identity_decoded, verified


def test_outcome_is_recorded_and_no_message_is_claimed_sent() -> None:
    outcome = verified(identity_decoded(captured()), NOW)
    notified = notify(outcome, NOW)
    assert notified.messages_sent == 0 and notified.status == outcome.status
