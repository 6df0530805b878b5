"""Wiring of the identity service: the one place that knows which adapters it runs on."""

from collections.abc import Mapping

from apoyo_common.codes import EvidenceKind
from apoyo_common.messages import IdentityDecoded, SupportCaptured
from apoyo_common.runtime import Infrastructure, ServiceUnit, Step, run_step
from apoyo_common.storage import ObjectStore
from apoyo_common.topics import IDENTITY_DECODED, SUPPORT_CAPTURED
from apoyo_identity.domain import decode

SERVICE = "identity"


def columns(out: IdentityDecoded) -> Mapping[str, object]:
    return {
        "process_id": out.process_id,
        "citizen_key": out.citizen_key,
        "images": len(out.evidence),
        "image_bytes": sum(e.bytes for e in out.evidence),
        "flags": list(out.flags),
        "decoded_at": out.decoded_at,
    }


async def load_images(store: ObjectStore, captured: SupportCaptured) -> dict[EvidenceKind, bytes]:
    return {ref.kind: await store.get(ref.object_key) for ref in captured.evidence}


def build(infra: Infrastructure) -> ServiceUnit:
    unit = ServiceUnit(SERVICE, "apoyo_identity")
    secret = infra.settings.citizen_key_secret.get_secret_value().encode()

    async def work(captured: SupportCaptured) -> IdentityDecoded:
        images = await load_images(infra.store, captured)
        return decode(captured, images, secret, infra.clock())

    run_step(
        infra,
        unit,
        Step(
            (SUPPORT_CAPTURED, SupportCaptured),
            (IDENTITY_DECODED, IdentityDecoded),
            "identity.decodings",
            columns,
            work,
        ),
    )
    return unit
