"""What one read of personal data is, and how entries chain like an export's records.

An entry names the reader (the token's subject and role), the purpose of the route, the kind
of data and the support ids read; never a name, clave, CURP or e-mail. Each entry carries
`chain = sha256(previous chain ‖ sha256(canonical JSON of the entry without its chain))`,
the rule of export packages (interfaces.md §6), starting from 64 zeros.
"""

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, Protocol

from apoyo_common.signing import canonical_json
from apoyo_common.tokens import Principal

GENESIS = "0" * 64


class Purpose(StrEnum):
    """Why the data was read: one code per route (docs/security.md lists them)."""

    SEGUIMIENTO = "seguimiento"  # the aspirant or the institute follows a support or a list
    CERTIFICADO = "certificado"
    AUDIENCIA = "audiencia"
    REVISION = "revision"
    CONSULTA = "consulta"
    EXPORTACION = "exportacion"


@dataclass(frozen=True)
class Read:
    """One read, as the route that served it reports it."""

    subject: str
    role: str
    purpose: Purpose
    kind: str  # what was read: `support`, `certificate`, `evidence/selfie`, ...
    support_ids: tuple[str, ...] = ()
    process_id: str | None = None
    aspirant_id: str | None = None

    @classmethod
    def by(
        cls, principal: Principal, purpose: Purpose, kind: str, *support_ids: str, **scope: str
    ) -> "Read":
        return cls(
            principal.subject, principal.role.value, purpose, kind, support_ids,
            scope.get("process_id"), scope.get("aspirant_id"),
        )  # fmt: skip


@dataclass(frozen=True)
class Entry:
    seq: int
    at: datetime
    read: Read
    chain: str

    def body(self) -> dict[str, Any]:
        return body_of(self.seq, self.at, self.read)

    def record(self) -> dict[str, Any]:
        """The entry as an exported JSON line."""
        return {**self.body(), "chain": self.chain}


def body_of(seq: int, at: datetime, read: Read) -> dict[str, Any]:
    return {
        "seq": seq,
        "at": at.astimezone(UTC).isoformat(),
        "subject": read.subject,
        "role": read.role,
        "purpose": read.purpose.value,
        "kind": read.kind,
        "support_ids": list(read.support_ids),
        "process_id": read.process_id,
        "aspirant_id": read.aspirant_id,
    }


def link(previous: str, body: dict[str, Any]) -> str:
    entry_sha256 = hashlib.sha256(canonical_json(body)).hexdigest()
    return hashlib.sha256((previous + entry_sha256).encode()).hexdigest()


def next_entry(last: Entry | None, at: datetime, read: Read) -> Entry:
    seq, previous = (1, GENESIS) if last is None else (last.seq + 1, last.chain)
    return Entry(seq, at, read, link(previous, body_of(seq, at, read)))


def entry_of(record: dict[str, Any]) -> Entry:
    """An exported or stored record back as an entry (KeyError/ValueError when malformed)."""
    read = Read(
        str(record["subject"]), str(record["role"]), Purpose(record["purpose"]),
        str(record["kind"]), tuple(str(s) for s in record["support_ids"]),
        record["process_id"], record["aspirant_id"],
    )  # fmt: skip
    at = record["at"]
    moment = at if isinstance(at, datetime) else datetime.fromisoformat(at)
    return Entry(int(record["seq"]), moment, read, str(record["chain"]))


class AccessLog(Protocol):
    async def record(self, read: Read) -> Entry:
        """Append the read, chained to the last entry; the chain never forks."""

    async def entries(self, after: int = 0, limit: int = 1000) -> list[Entry]:
        """Entries with `seq > after`, in seq order."""
