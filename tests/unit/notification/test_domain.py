from apoyo_common.messages import RollCell
from apoyo_notification.domain import notify
from tests.factories import NOW, captured, identity_decoded, verified


def test_outcome_is_recorded_and_no_message_is_claimed_sent() -> None:
    outcome = verified(identity_decoded(captured()), NOW)
    notified = notify(outcome, NOW)
    assert notified.messages_sent == 0 and notified.status == outcome.status


def test_the_roll_cell_is_passed_on() -> None:
    place = RollCell(
        entidad="26", distrito_federal="01", distrito_local="02", municipio="030", seccion="0101"
    )
    outcome = verified(identity_decoded(captured()), NOW).model_copy(update={"registry": place})
    assert notify(outcome, NOW).registry == place
    assert notify(verified(identity_decoded(captured()), NOW), NOW).registry is None
