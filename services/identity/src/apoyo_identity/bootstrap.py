"""Wiring of the identity service: the one place that knows which adapters it runs on."""

import asyncio
from collections.abc import Awaitable, Callable, Mapping

from apoyo_common.messages import IdentityDecoded, SupportCaptured
from apoyo_common.runtime import Infrastructure, ServiceUnit, citizen_keyed, consume_batch
from apoyo_common.stage import Stage
from apoyo_common.topics import IDENTITY_DECODED, SUPPORT_CAPTURED
from apoyo_identity.adapters.decodings import PgDecodings
from apoyo_identity.adapters.postgres import PgPictureIndex
from apoyo_identity.batches import SERVICE, Batches
from apoyo_identity.pool import PoolAnalyser
from apoyo_identity.ports import PictureIndex
from apoyo_identity.reading import HELD_PER_WORKER, SupportReader, picture_hashes

# Supports taken from Kafka at a time, per worker process. Between two batches the pool
# idles while the batch is looked up, recorded, published, committed and the next one
# polled; at 4 a worker that was a tenth to a fifth of the time (identity_service.py, 47-51
# supports/s against 52-54 at 16 and 55-60 at 32-64, docs/identity.md). Memory does not
# bound it: the reader holds the images of HELD_PER_WORKER supports a worker at once and
# keeps only their digests once analysed. The batch's offsets are committed together, and a
# restart or a failed batch goes over at most this many again.
BATCH_PER_WORKER = 32
# Supports of a batch admitted to the picture index and recorded in one statement each, per
# worker: recorded as their analyses end, while the pool analyses the batch's others, so at
# the batch's end only these few are recorded while the pool waits (docs/identity.md).
RECORDED_PER_WORKER = 4


def columns(out: IdentityDecoded) -> Mapping[str, object]:
    return {
        "process_id": out.process_id,
        "citizen_key": out.citizen_key,
        "images": len(out.evidence),
        "image_bytes": sum(e.bytes for e in out.evidence),
        "flags": list(out.flags),
        "decoded_at": out.decoded_at,
    }


def identity_work(
    reader: SupportReader, pictures: PictureIndex
) -> Callable[[SupportCaptured], Awaitable[IdentityDecoded]]:
    """One support alone: what a batch that failed falls back to."""

    async def work(captured: SupportCaptured) -> IdentityDecoded:
        reading = await reader.read(captured)
        hashes = picture_hashes(reading[1])
        reused = await pictures.admit(captured.process_id, captured.support_id, hashes)
        return reader.decoded(captured, reading, reused)

    return work


def build(infra: Infrastructure) -> ServiceUnit:
    workers = infra.settings.workers()
    analyser = PoolAnalyser(workers)
    unit = ServiceUnit(SERVICE, "apoyo_identity", on_stop=[analyser.close])
    secret = infra.settings.citizen_key_secret.get_secret_value().encode()
    held = asyncio.Semaphore(HELD_PER_WORKER * workers)
    reader = SupportReader(infra.store, analyser, secret, infra.clock, held)
    pictures = PgPictureIndex(infra.pool)
    ledger = PgDecodings(infra.pool, "identity.decodings", IdentityDecoded, columns, infra.keyring)
    work = identity_work(reader, pictures)
    stage = Stage(
        SERVICE, SupportCaptured, IDENTITY_DECODED, work, ledger, infra.publisher, citizen_keyed
    )
    # In batches: one lookup, one picture admission, one record and one offset commit per
    # batch instead of per support, and publishes that share produce requests.
    together = RECORDED_PER_WORKER * workers
    batches = Batches(reader, pictures, ledger, infra.publisher, citizen_keyed, together)
    batch = BATCH_PER_WORKER * workers
    consume_batch(infra, unit, SUPPORT_CAPTURED, batches.handle_many, stage.handle, batch)
    return unit
