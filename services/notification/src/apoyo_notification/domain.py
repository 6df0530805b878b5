"""Pure notification rules: what a support's outcome becomes on `support.notified`."""

from datetime import datetime

from apoyo_common.messages import SupportNotified, SupportVerified


def notify(verified: SupportVerified, now: datetime, messages_sent: int = 0) -> SupportNotified:
    """`messages_sent`: e-mails queued for this outcome (0 or 1); the delivery log says
    whether each has gone out yet."""
    return SupportNotified(
        **verified.envelope(),
        status=verified.status,
        reasons=verified.reasons,
        messages_sent=messages_sent,
        notified_at=now,
        registry=verified.registry,
    )
