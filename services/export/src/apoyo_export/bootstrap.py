"""Wiring of the export service."""

from collections.abc import Mapping

from apoyo_common.messages import SupportExported, SupportNotified
from apoyo_common.runtime import Infrastructure, ServiceUnit, Step, run_step
from apoyo_common.topics import SUPPORT_EXPORTED, SUPPORT_NOTIFIED
from apoyo_export.domain import stage as stage_record

SERVICE = "export"


def columns(out: SupportExported) -> Mapping[str, object]:
    return {
        "process_id": out.process_id,
        "aspirant_id": out.aspirant_id,
        "status": out.status.value,
        "received_at": out.received_at,
        "record_sha256": out.record_sha256,
        "exported_at": out.exported_at,
    }


def build(infra: Infrastructure) -> ServiceUnit:
    unit = ServiceUnit(SERVICE, "apoyo_export")

    async def work(notified: SupportNotified) -> SupportExported:
        return stage_record(notified, infra.clock())

    run_step(
        infra,
        unit,
        Step(
            (SUPPORT_NOTIFIED, SupportNotified),
            (SUPPORT_EXPORTED, SupportExported),
            "export.records",
            columns,
            work,
        ),
    )
    return unit
