"""Pure notification rules of the foundation: record the outcome; e-mail comes later."""

from datetime import datetime

from apoyo_common.messages import SupportNotified, SupportVerified


def notify(verified: SupportVerified, now: datetime) -> SupportNotified:
    return SupportNotified(
        **verified.envelope(),
        status=verified.status,
        reasons=verified.reasons,
        messages_sent=0,
        notified_at=now,
    )
