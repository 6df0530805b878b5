"""Identity takes supports from Kafka in batches: analysed at once, admitted, recorded and
published together, none lost nor recorded twice when one of them fails."""

import asyncio
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field

import pytest
from pydantic import ValidationError

from apoyo_common.codes import EvidenceKind
from apoyo_common.messages import IdentityDecoded, SupportCaptured
from apoyo_common.publishing import RecordingPublisher
from apoyo_common.runtime import citizen_keyed
from apoyo_common.stage import Stage
from apoyo_common.storage import InMemoryStore, ObjectNotFound
from apoyo_common.topics import IDENTITY_DECODED
from apoyo_identity.adapters.memory import InMemoryDecodings, InMemoryPictureIndex
from apoyo_identity.batches import Batches
from apoyo_identity.bootstrap import identity_work
from apoyo_identity.findings import ImageFindings, SupportFindings
from apoyo_identity.reading import SupportReader
from tests.factories import JPEG, NOW, captured, evidence

FRONT, BACK = EvidenceKind.CREDENTIAL_FRONT, EvidenceKind.CREDENTIAL_BACK


@dataclass
class Analyser:
    """Each picture's hash from its bytes; the first `together` supports wait for each other.
    `most`: the most supports it was analysing at once."""

    together: int = 1
    seen: list[bytes] = field(default_factory=list)
    everyone: asyncio.Event = field(default_factory=asyncio.Event)
    busy: int = 0
    most: int = 0
    held: bytes = b""  # the front of a support whose analysis ends only once `release` is set
    release: asyncio.Event = field(default_factory=asyncio.Event)

    async def analyse(self, images: dict[str, bytes]) -> SupportFindings:
        self.seen.append(images[FRONT.value])
        self.busy += 1
        self.most = max(self.most, self.busy)
        if len(self.seen) >= self.together:
            self.everyone.set()
        await self.everyone.wait()  # one support at a time, the first would wait forever
        await asyncio.sleep(0)  # the batch's other reads go as far as they may meanwhile
        if images[FRONT.value] == self.held:
            await self.release.wait()
        self.busy -= 1
        return SupportFindings({k: ImageFindings(phash=_hash(data)) for k, data in images.items()})


def _hash(data: bytes) -> int:
    return int.from_bytes(hashlib.sha256(data).digest()[:16], "big")


@dataclass
class Publisher:
    sent: list[tuple[str, bytes, bytes]] = field(default_factory=list)

    async def publish_raw_many(self, items: list[tuple[str, bytes, bytes]]) -> None:
        self.sent.extend(items)

    def supports(self) -> list[str]:
        return [IdentityDecoded.model_validate_json(p).support_id for _, _, p in self.sent]


@dataclass
class Service:
    together: int = 1
    recorded_together: int = 8
    store: InMemoryStore = field(default_factory=InMemoryStore)
    ledger: InMemoryDecodings = field(default_factory=InMemoryDecodings)
    pictures: InMemoryPictureIndex = field(default_factory=InMemoryPictureIndex)
    published: Publisher = field(default_factory=Publisher)

    def __post_init__(self) -> None:
        self.analyser = Analyser(self.together)
        held = asyncio.Semaphore(self.together)
        self.reader = SupportReader(self.store, self.analyser, b"k", lambda: NOW, held)
        self.batches = Batches(
            self.reader,
            self.pictures,
            self.ledger,
            self.published,
            citizen_keyed,
            self.recorded_together,
        )

    async def support(self, support_id: str, front: bytes | None = None) -> bytes:
        """A captured support whose front and back are in the store; its event's bytes."""
        pictures = {
            FRONT: front or JPEG + support_id.encode(),
            BACK: JPEG + b"back" + support_id.encode(),
        }
        refs = tuple(evidence(support_id, kind, data) for kind, data in pictures.items())
        for ref, data in zip(refs, pictures.values(), strict=True):
            await self.store.put(ref.object_key, data, "image/jpeg")
        event = captured(support_id).model_copy(update={"evidence": refs})
        return event.model_dump_json().encode()


async def test_a_batchs_supports_are_analysed_at_once_and_published_together() -> None:
    service = Service(together=3)
    batch = [await service.support(f"s-{n}") for n in range(3)]
    await asyncio.wait_for(service.batches.handle_many(batch), 5)
    assert service.published.supports() == ["s-0", "s-1", "s-2"]
    recorded = [service.ledger.outputs[f"s-{n}"] for n in range(3)]
    assert [(t, k) for t, k, _ in service.published.sent] == [
        (IDENTITY_DECODED, citizen_keyed(o)) for o in recorded
    ]
    assert {s for _, s, _ in service.pictures.rows} == {"s-0", "s-1", "s-2"}
    assert not any("REUSED_IMAGE" in o.flags for o in recorded)


async def test_a_batch_larger_than_the_images_held_is_read_a_few_supports_at_a_time() -> None:
    service = Service(together=2)  # the reader holds two supports' images at once
    batch = [await service.support(f"s-{n}") for n in range(5)]
    await asyncio.wait_for(service.batches.handle_many(batch), 5)
    assert service.published.supports() == [f"s-{n}" for n in range(5)]
    assert service.analyser.most == 2


async def test_a_picture_sent_again_within_the_batch_is_reuse_for_the_later_support() -> None:
    service = Service()
    batch = [await service.support("s-1", front=b"same"), await service.support("s-2", b"same")]
    await service.batches.handle_many(batch)
    flags = {s: "REUSED_IMAGE" in o.flags for s, o in service.ledger.outputs.items()}
    assert flags == {"s-1": False, "s-2": True}


async def test_recorded_supports_are_published_again_not_analysed_again() -> None:
    service = Service()
    first = await service.support("s-1")
    await service.batches.handle_many([first])
    before = service.ledger.outputs["s-1"]
    await service.batches.handle_many([first, await service.support("s-2"), first])
    assert len(service.analyser.seen) == 2  # s-1 once, s-2 once
    assert service.published.supports() == ["s-1", "s-1", "s-2"]
    assert service.ledger.outputs["s-1"] is before


async def test_a_failure_records_the_others_then_one_by_one_publishes_each_once() -> None:
    service = Service()
    batch = [await service.support(f"s-{n}") for n in range(3)]
    missing = SupportCaptured.model_validate_json(batch[1])
    await service.store.delete(missing.evidence[0].object_key)
    with pytest.raises(ObjectNotFound):
        await service.batches.handle_many(batch)
    assert sorted(service.ledger.outputs) == ["s-0", "s-2"] and not service.published.sent
    # What Delivery.run_batch does next: each alone, through the one-support stage.
    publisher = RecordingPublisher()
    work = identity_work(service.reader, service.pictures)
    stage = Stage(
        "identity", SupportCaptured, IDENTITY_DECODED, work, service.ledger, publisher,
        citizen_keyed,
    )  # fmt: skip
    for raw in (batch[0], batch[2]):
        await stage.handle(raw)
    assert len(service.analyser.seen) == 2  # the recorded two were not analysed again
    sent = [m for m in publisher.on(IDENTITY_DECODED) if isinstance(m, IdentityDecoded)]
    assert sent == [service.ledger.outputs["s-0"], service.ledger.outputs["s-2"]]


async def test_a_message_that_is_no_support_holds_back_none_of_the_others() -> None:
    service = Service(together=2)
    batch = [await service.support("s-1"), b"{not json", await service.support("s-2")]
    with pytest.raises(ValidationError):
        await asyncio.wait_for(service.batches.handle_many(batch), 5)
    assert sorted(service.ledger.outputs) == ["s-1", "s-2"] and not service.published.sent


async def test_a_batchs_first_supports_are_recorded_while_its_last_is_analysed() -> None:
    service = Service(together=2, recorded_together=2)
    service.analyser.held = JPEG + b"s-4"
    batch = [await service.support(f"s-{n}") for n in range(5)]
    record, four = service.ledger.record_many, asyncio.Event()

    async def recording(outputs: Sequence[IdentityDecoded]) -> list[IdentityDecoded]:
        recorded = await record(outputs)
        if len(service.ledger.outputs) >= 4:
            four.set()
        return recorded

    service.ledger.record_many = recording  # type: ignore[method-assign]
    handled = asyncio.create_task(service.batches.handle_many(batch))
    await asyncio.wait_for(four.wait(), 5)  # while s-4 is held in its analysis
    assert sorted(service.ledger.outputs) == ["s-0", "s-1", "s-2", "s-3"]
    assert not service.published.sent  # the batch is published whole, once all are recorded
    service.analyser.release.set()
    await asyncio.wait_for(handled, 5)
    assert service.published.supports() == [f"s-{n}" for n in range(5)]


async def test_a_recording_that_fails_leaves_no_analysis_running() -> None:
    service = Service(together=2, recorded_together=2)
    batch = [await service.support(f"s-{n}") for n in range(6)]

    async def down(outputs: object) -> list[IdentityDecoded]:
        raise ConnectionError("the ledger is out")

    service.ledger.record_many = down  # type: ignore[method-assign]
    with pytest.raises(ConnectionError):
        await asyncio.wait_for(service.batches.handle_many(batch), 5)
    seen = len(service.analyser.seen)
    for _ in range(20):
        await asyncio.sleep(0)
    assert len(service.analyser.seen) == seen < 6
