"""One support's images fetched and analysed, and its output once the picture index answered:
the steps a support goes through, alone or in a batch."""

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from apoyo_common.codes import EvidenceKind
from apoyo_common.messages import IdentityDecoded, SupportCaptured
from apoyo_common.storage import ObjectStore
from apoyo_identity.domain import Digest, decode, digests
from apoyo_identity.findings import BACK, FRONT, SupportFindings
from apoyo_identity.pool import Analyser

PICTURES = (FRONT, BACK, EvidenceKind.SELFIE.value)
Images = dict[EvidenceKind, bytes]
Reading = tuple[dict[EvidenceKind, Digest], SupportFindings]
# Supports whose images are held at once (fetched, or being analysed), per worker: one being
# analysed and one waiting keep a worker busy; the images are dropped, their digests kept,
# once analysed. So a batch's memory does not grow with its size (at capture's limits, 40 MB
# a support, 160 MB with 2 workers), and a batch can be as large as the idle time between
# batches asks (bootstrap.BATCH_PER_WORKER).
HELD_PER_WORKER = 2


async def load_images(store: ObjectStore, captured: SupportCaptured) -> Images:
    # Together: one round trip to the object store instead of one per image (with S3, the
    # three requests written at once on one connection).
    found = await store.get_many([ref.object_key for ref in captured.evidence])
    return {ref.kind: data for ref, data in zip(captured.evidence, found, strict=True)}


def picture_hashes(found: SupportFindings) -> dict[str, int]:
    return {k: f.phash for k, f in found.images.items() if k in PICTURES and f.phash is not None}


@dataclass(frozen=True)
class SupportReader:
    store: ObjectStore
    analyser: Analyser
    secret: bytes  # the citizen key's
    clock: Callable[[], datetime]
    held: asyncio.Semaphore  # HELD_PER_WORKER a worker

    async def read(self, captured: SupportCaptured) -> Reading:
        async with self.held:
            images = await load_images(self.store, captured)
            found = await self.analyser.analyse({k.value: data for k, data in images.items()})
            return digests(images), found

    def decoded(self, captured: SupportCaptured, reading: Reading, reused: bool) -> IdentityDecoded:
        images, found = reading
        return decode(captured, images, found, reused=reused, secret=self.secret, now=self.clock())
