"""Wiring of the identity service: the one place that knows which adapters it runs on."""

import asyncio
from collections.abc import Awaitable, Callable, Mapping, Sequence

from apoyo_common.codes import EvidenceKind
from apoyo_common.ledger import PgLedger
from apoyo_common.messages import IdentityDecoded, SupportCaptured
from apoyo_common.runtime import Infrastructure, ServiceUnit, citizen_keyed, consume_batch
from apoyo_common.stage import Stage
from apoyo_common.storage import ObjectStore
from apoyo_common.topics import IDENTITY_DECODED, SUPPORT_CAPTURED
from apoyo_identity.adapters.postgres import PgPictureIndex
from apoyo_identity.domain import decode
from apoyo_identity.findings import BACK, FRONT, SupportFindings
from apoyo_identity.pool import Analyser, PoolAnalyser
from apoyo_identity.ports import PictureIndex

SERVICE = "identity"
PICTURES = (FRONT, BACK, EvidenceKind.SELFIE.value)
# Supports taken from Kafka at a time, per worker process: enough to keep every worker busy
# while the others' results are recorded, few enough that a batch's last support does not
# leave the pool idle for long. The batch's offsets are committed together.
BATCH_PER_WORKER = 4


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


def together(
    handle: Callable[[bytes], Awaitable[None]],
) -> Callable[[list[bytes]], Awaitable[None]]:
    """A batch's supports all at once (the pool queues their analyses); when one fails, the
    others still finish before the batch is handed back to be delivered one by one (those
    recorded then only publish their recorded output again)."""

    async def handle_many(bodies: Sequence[bytes]) -> None:
        outcomes = await asyncio.gather(*(handle(b) for b in bodies), return_exceptions=True)
        for outcome in outcomes:
            if isinstance(outcome, BaseException):
                raise outcome

    return handle_many


def build(infra: Infrastructure) -> ServiceUnit:
    workers = infra.settings.workers()
    analyser = PoolAnalyser(workers)
    unit = ServiceUnit(SERVICE, "apoyo_identity", on_stop=[analyser.close])
    work = identity_work(infra, analyser, PgPictureIndex(infra.pool))
    ledger = PgLedger(infra.pool, "identity.decodings", IdentityDecoded, columns, infra.keyring)
    stage = Stage(
        SERVICE, SupportCaptured, IDENTITY_DECODED, work, ledger, infra.publisher, citizen_keyed
    )
    # In batches: one offset commit, and publishes that share produce requests, per batch
    # instead of per support.
    batch = BATCH_PER_WORKER * workers
    consume_batch(infra, unit, SUPPORT_CAPTURED, together(stage.handle), stage.handle, batch)
    return unit
