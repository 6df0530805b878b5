"""The consumers: a process learnt from `process.defined`, a support verified and published."""

import json
from dataclasses import dataclass, field

from apoyo_common.outbox import OutboxRelay
from apoyo_common.topics import SUPPORT_VERIFIED
from apoyo_verification.adapters.book_memory import InMemoryProcesses, InMemorySupportBook
from apoyo_verification.adapters.memory import InMemoryVoterRoll
from apoyo_verification.handlers import on_decoded, on_process_defined
from apoyo_verification.service import Verifier
from tests.factories import NOW
from tests.unit.verification.cases import PROCESS, decoded, person


@dataclass
class Kafka:
    down: bool = False
    sent: list[tuple[str, bytes, bytes]] = field(default_factory=list)

    async def publish_raw(self, topic: str, key: bytes, payload: bytes) -> None:
        if self.down:
            raise ConnectionError("kafka unreachable")
        self.sent.append((topic, key, payload))


async def test_a_support_is_judged_once_its_process_is_known_and_published_at_once() -> None:
    processes, book, kafka = InMemoryProcesses(), InMemorySupportBook(), Kafka()
    verifier = Verifier(InMemoryVoterRoll(), processes, book, lambda: NOW)
    handle = on_decoded(verifier, OutboxRelay(book, kafka, "verification"))
    await on_process_defined(processes)(PROCESS.model_dump_json().encode())
    support = decoded(person(), flags=("PHOTOCOPY",))  # decided before any roll lookup
    await handle(support.model_dump_json().encode())
    [(topic, key, payload)] = kafka.sent
    assert topic == SUPPORT_VERIFIED and key == support.citizen_key.encode()
    assert json.loads(payload)["status"] == "INCONSISTENCIA"


async def test_a_broker_outage_leaves_the_outcome_recorded_and_queued() -> None:
    processes, book, kafka = (
        InMemoryProcesses({PROCESS.id: PROCESS}),
        InMemorySupportBook(),
        Kafka(down=True),
    )
    verifier = Verifier(InMemoryVoterRoll(), processes, book, lambda: NOW)
    relay = OutboxRelay(book, kafka, "verification")
    await on_decoded(verifier, relay)(
        decoded(person(), flags=("PHOTOCOPY",)).model_dump_json().encode()
    )
    assert len(book.outcomes) == 1 and kafka.sent == []
    kafka.down = False
    await relay.drain()
    assert len(kafka.sent) == 1
