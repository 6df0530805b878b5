"""One support's images fetched and analysed, and its output once the picture index answered:
the steps a support goes through, alone or in a batch."""

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from apoyo_common.codes import EvidenceKind
from apoyo_common.messages import IdentityDecoded, SupportCaptured
from apoyo_common.storage import ObjectStore
from apoyo_identity.domain import decode
from apoyo_identity.findings import BACK, FRONT, SupportFindings
from apoyo_identity.pool import Analyser

PICTURES = (FRONT, BACK, EvidenceKind.SELFIE.value)
Images = dict[EvidenceKind, bytes]
Reading = tuple[Images, SupportFindings]


async def load_images(store: ObjectStore, captured: SupportCaptured) -> Images:
    # Together: one round trip to the object store instead of one per image.
    found = await asyncio.gather(*(store.get(ref.object_key) for ref in captured.evidence))
    return {ref.kind: data for ref, data in zip(captured.evidence, found, strict=True)}


def picture_hashes(found: SupportFindings) -> dict[str, int]:
    return {k: f.phash for k, f in found.images.items() if k in PICTURES and f.phash is not None}


@dataclass(frozen=True)
class SupportReader:
    store: ObjectStore
    analyser: Analyser
    secret: bytes  # the citizen key's
    clock: Callable[[], datetime]

    async def read(self, captured: SupportCaptured) -> Reading:
        images = await load_images(self.store, captured)
        found = await self.analyser.analyse({kind.value: data for kind, data in images.items()})
        return images, found

    def decoded(self, captured: SupportCaptured, reading: Reading, reused: bool) -> IdentityDecoded:
        images, found = reading
        return decode(captured, images, found, reused=reused, secret=self.secret, now=self.clock())
