"""Pure notification rules of the foundation: record the outcome; e-mail comes later."""

from datetime import datetime

from apoyo_common.messages import SupportNotified, SupportVerified


def notify(verified: SupportVerified, now: datetime) -> SupportNotified:
    return SupportNotified(
        support_id=verified.support_id,
        process_id=verified.process_id,
        aspirant_id=verified.aspirant_id,
        channel=verified.channel,
        received_at=verified.received_at,
        citizen_key=verified.citizen_key,
        status=verified.status,
        reasons=verified.reasons,
        messages_sent=0,
        notified_at=now,
    )
