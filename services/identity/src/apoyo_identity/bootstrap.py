"""Wiring of the identity service: the one place that knows which adapters it runs on."""

import asyncio
from collections.abc import Awaitable, Callable, Mapping

from apoyo_common.codes import EvidenceKind
from apoyo_common.messages import IdentityDecoded, SupportCaptured
from apoyo_common.runtime import Infrastructure, ServiceUnit, Step, run_step
from apoyo_common.storage import ObjectStore
from apoyo_common.topics import IDENTITY_DECODED, SUPPORT_CAPTURED
from apoyo_identity.adapters.postgres import PgPictureIndex
from apoyo_identity.domain import decode
from apoyo_identity.findings import BACK, FRONT, SupportFindings
from apoyo_identity.pool import Analyser, PoolAnalyser
from apoyo_identity.ports import PictureIndex

SERVICE = "identity"
PICTURES = (FRONT, BACK, EvidenceKind.SELFIE.value)


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
    # Together: one round trip to the object store instead of one per image.
    found = await asyncio.gather(*(store.get(ref.object_key) for ref in captured.evidence))
    return {ref.kind: data for ref, data in zip(captured.evidence, found, strict=True)}


def picture_hashes(found: SupportFindings) -> dict[str, int]:
    return {k: f.phash for k, f in found.images.items() if k in PICTURES and f.phash is not None}


def identity_work(
    infra: Infrastructure, analyser: Analyser, pictures: PictureIndex
) -> Callable[[SupportCaptured], Awaitable[IdentityDecoded]]:
    secret = infra.settings.citizen_key_secret.get_secret_value().encode()

    async def work(captured: SupportCaptured) -> IdentityDecoded:
        images = await load_images(infra.store, captured)
        found = await analyser.analyse({kind.value: data for kind, data in images.items()})
        hashes = picture_hashes(found)
        reused = await pictures.admit(captured.process_id, captured.support_id, hashes)
        return decode(
            captured,
            images,
            found,
            reused=reused,
            secret=secret,
            now=infra.clock(),
        )

    return work


def build(infra: Infrastructure) -> ServiceUnit:
    workers = infra.settings.workers()
    analyser = PoolAnalyser(workers)
    unit = ServiceUnit(SERVICE, "apoyo_identity", on_stop=[analyser.close])
    work = identity_work(infra, analyser, PgPictureIndex(infra.pool))
    run_step(
        infra,
        unit,
        Step(
            (SUPPORT_CAPTURED, SupportCaptured),
            (IDENTITY_DECODED, IdentityDecoded),
            "identity.decodings",
            columns,
            work,
            # One support in flight per worker process; without this the pool idles. (Two
            # per worker measured no faster on the benchmark: the cores are the limit.)
            concurrency=workers,
        ),
    )
    return unit
