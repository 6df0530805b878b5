"""Wiring of the verification service."""

from collections.abc import Mapping

from apoyo_common.messages import IdentityDecoded, SupportVerified
from apoyo_common.runtime import Infrastructure, ServiceUnit, Step, run_step
from apoyo_common.topics import IDENTITY_DECODED, SUPPORT_VERIFIED
from apoyo_verification.domain import verify

SERVICE = "verification"


def columns(out: SupportVerified) -> Mapping[str, object]:
    return {
        "process_id": out.process_id,
        "aspirant_id": out.aspirant_id,
        "citizen_key": out.citizen_key,
        "status": out.status.value,
        "received_at": out.received_at,
        "verified_at": out.verified_at,
    }


def build(infra: Infrastructure) -> ServiceUnit:
    unit = ServiceUnit(SERVICE, "apoyo_verification")

    async def work(decoded: IdentityDecoded) -> SupportVerified:
        return verify(decoded, infra.clock())

    run_step(
        infra,
        unit,
        Step(
            (IDENTITY_DECODED, IdentityDecoded),
            (SUPPORT_VERIFIED, SupportVerified),
            "verification.supports",
            columns,
            work,
        ),
    )
    return unit
