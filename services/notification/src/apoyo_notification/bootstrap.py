"""Wiring of the notification service."""

from collections.abc import Mapping

from apoyo_common.messages import SupportNotified, SupportVerified
from apoyo_common.runtime import Infrastructure, ServiceUnit, Step, run_step
from apoyo_common.topics import SUPPORT_NOTIFIED, SUPPORT_VERIFIED
from apoyo_notification.domain import notify

SERVICE = "notification"


def columns(out: SupportNotified) -> Mapping[str, object]:
    return {
        "process_id": out.process_id,
        "status": out.status.value,
        "messages_sent": out.messages_sent,
        "notified_at": out.notified_at,
    }


def build(infra: Infrastructure) -> ServiceUnit:
    unit = ServiceUnit(SERVICE, "apoyo_notification")

    async def work(verified: SupportVerified) -> SupportNotified:
        return notify(verified, infra.clock())

    run_step(
        infra,
        unit,
        Step(
            (SUPPORT_VERIFIED, SupportVerified),
            (SUPPORT_NOTIFIED, SupportNotified),
            "notification.outcomes",
            columns,
            work,
        ),
    )
    return unit
