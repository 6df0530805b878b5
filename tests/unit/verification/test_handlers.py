"""The consumers: a process learnt from `process.defined`, a support verified and published."""

import json
from dataclasses import dataclass, field

from apoyo_common.messages import ProcessCells, SupportVerified
from apoyo_common.outbox import OutboxRelay
from apoyo_common.processes import Dispersion
from apoyo_common.topics import PROCESS_CELLS, SUPPORT_VERIFIED, process_key
from apoyo_verification.adapters.book_memory import InMemoryProcesses, InMemorySupportBook
from apoyo_verification.adapters.memory import InMemoryVoterRoll
from apoyo_verification.handlers import on_decoded, on_process_defined
from apoyo_verification.service import Verifier
from apoyo_verification.territory import Territories
from tests.factories import NOW
from tests.unit.verification.cases import PROCESS, decoded, person, record
from tests.unit.verification.test_lookup import loaded


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
    verifier = Verifier(InMemoryVoterRoll(), processes, book, lambda: NOW, b"test-citizen-secret")
    handle = on_decoded(verifier, OutboxRelay(book, kafka, "verification"))
    territories = Territories(verifier.roll, book, lambda: NOW)  # no cut loaded: nothing told
    await on_process_defined(processes, territories)(PROCESS.model_dump_json().encode())
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
    verifier = Verifier(InMemoryVoterRoll(), processes, book, lambda: NOW, b"test-citizen-secret")
    relay = OutboxRelay(book, kafka, "verification")
    await on_decoded(verifier, relay)(
        decoded(person(), flags=("PHOTOCOPY",)).model_dump_json().encode()
    )
    assert len(book.outcomes) == 1 and kafka.sent == []
    kafka.down = False
    await relay.drain()
    assert len(kafka.sent) == 1


async def test_a_defined_process_tells_its_territory_and_outcomes_carry_the_roll_cell() -> None:
    people = [person(i) for i in range(3)]
    roll = await loaded([record(people[0]), record(people[1], seccion="0999"), record(people[2])])
    processes, book, kafka = InMemoryProcesses(), InMemorySupportBook(), Kafka()
    relay = OutboxRelay(book, kafka, "verification")
    defined = PROCESS.model_copy(
        update={"dispersion": Dispersion(unit="seccion", min_units=1, pct_per_unit=1.0)}
    )
    territories = Territories(roll, book, lambda: NOW)
    await on_process_defined(processes, territories, relay)(defined.model_dump_json().encode())
    await on_decoded(Verifier(roll, processes, book, lambda: NOW, b"test-citizen-secret"), relay)(
        decoded(people[1]).model_dump_json().encode()
    )
    (topic, key, payload), (_, _, verified) = kafka.sent
    assert (topic, key) == (PROCESS_CELLS, process_key(PROCESS.id))
    cells = ProcessCells.model_validate_json(payload)
    entidad = record(people[0]).entidad
    assert (cells.cut, cells.unit, cells.ln_total) == (PROCESS.cut, "seccion", 3)
    assert cells.ln_by_unit[f"{entidad}-0999"] == 1
    assert sum(cells.ln_by_unit.values()) == 3
    registry = SupportVerified.model_validate_json(verified).registry
    assert registry is not None and registry.seccion == "0999"
    assert registry.entidad == entidad
