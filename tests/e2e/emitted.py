"""Everything a deployment emitted that must never carry a person's identity: its services'
log lines, the keys of every Kafka record in its namespace, the label values of every
/metrics page and the bodies of the error answers a client received; and the search of all of
it for each synthetic name, clave de elector, CURP and e-mail (issue 9, item 3)."""

import json
import re
import time
from collections.abc import Iterable
from dataclasses import dataclass, field

import httpx
from aiokafka import AIOKafkaConsumer

from apoyo.synthetic.people import Citizen
from tests.e2e.harness import SERVICES, Deployment

LABEL = re.compile(r'(\w+)="((?:[^"\\]|\\.)*)"')


@dataclass
class Emitted:
    """What was gathered, by where it was found."""

    corpus: dict[str, list[str]] = field(default_factory=dict)

    def add(self, where: str, texts: Iterable[str]) -> None:
        self.corpus.setdefault(where, []).extend(texts)

    def counts(self) -> dict[str, int]:
        return {where: len(texts) for where, texts in self.corpus.items()}


class ErrorBodies:
    """An httpx response hook keeping the body of every answer of 400 or more."""

    def __init__(self) -> None:
        self.bodies: list[str] = []

    async def __call__(self, response: httpx.Response) -> None:
        if response.status_code >= 400:
            await response.aread()
            self.bodies.append(f"{response.status_code} {response.text}")


def log_lines(deployed: Deployment) -> list[str]:
    lines = []
    for service in SERVICES:
        text = (deployed.logs / f"{service}.log").read_text(encoding="utf-8", errors="replace")
        lines += text.splitlines()
    return lines


def metric_labels(deployed: Deployment) -> list[str]:
    """Every label value on every service's /metrics page."""
    values = []
    for service in SERVICES:
        page = httpx.get(f"http://127.0.0.1:{deployed.ports[service]}/metrics", timeout=10).text
        for line in page.splitlines():
            if not line.startswith("#"):
                values += [value for _, value in LABEL.findall(line)]
    return values


async def kafka_keys(deployed: Deployment, quiet_s: float = 4.0) -> list[str]:
    """The key of every record on every topic of the namespace, read from the start until
    nothing new came for `quiet_s`."""
    consumer = AIOKafkaConsumer(
        bootstrap_servers=deployed.env["APOYO_KAFKA_BOOTSTRAP"],
        group_id=f"{deployed.namespace}-observer-keys",
        auto_offset_reset="earliest",
        enable_auto_commit=False,
    )
    await consumer.start()
    keys: list[str] = []
    try:
        topics = sorted(t for t in await consumer.topics() if t.startswith(deployed.namespace))
        consumer.subscribe(topics)
        quiet_until = time.monotonic() + quiet_s
        while time.monotonic() < quiet_until:
            for records in (await consumer.getmany(timeout_ms=500)).values():
                keys += [(r.key or b"").decode("utf-8", "replace") for r in records]
                quiet_until = time.monotonic() + quiet_s
    finally:
        await consumer.stop()
    return keys


def identities(people: Iterable[Citizen], emails: Iterable[str]) -> dict[str, str]:
    """Each identifying string of the synthetic people, named by what it is."""
    found: dict[str, str] = {}
    for person in people:
        full = f"{person.nombre} {person.apellido_paterno} {person.apellido_materno}"
        for kind, value in (
            ("nombre", full), ("nombre", person.nombre), ("apellido", person.apellido_paterno),
            ("apellido", person.apellido_materno), ("clave", person.clave_elector),
            ("curp", person.curp),
        ):  # fmt: skip
            found[value] = kind
    for email in emails:
        found[email] = "email"
    return found


def _pattern(value: str) -> re.Pattern[str]:
    """The value as a whole word, in any case, also as JSON escapes it (Ñ as \\u00d1)."""
    spellings = {value, json.dumps(value)[1:-1]}
    alternatives = "|".join(re.escape(s) for s in sorted(spellings))
    return re.compile(rf"(?<![\w\\])(?:{alternatives})(?!\w)", re.IGNORECASE)


def leaks(emitted: Emitted, wanted: dict[str, str]) -> list[str]:
    """`where: kind value in: text` for every text that holds one of the wanted values."""
    found = []
    patterns = [(value, kind, _pattern(value)) for value, kind in wanted.items()]
    for where, texts in emitted.corpus.items():
        for text in texts:
            for value, kind, pattern in patterns:
                if pattern.search(text):
                    found.append(f"{where}: {kind} {value} en: {text[:300]}")
    return found
