"""In-memory picture index and ledger of decoded supports: the fakes for unit tests."""

from collections.abc import Sequence
from dataclasses import dataclass, field

from apoyo_common.messages import IdentityDecoded
from apoyo_common.stage import InMemoryLedger
from apoyo_identity.ports import Admission
from apoyo_identity.reuse import is_reuse


@dataclass
class InMemoryPictureIndex:
    rows: dict[tuple[str, str, str], int] = field(default_factory=dict)

    async def record(self, process_id: str, support_id: str, hashes: dict[str, int]) -> None:
        for kind, value in hashes.items():
            self.rows.setdefault((process_id, support_id, kind), value)

    async def reused(self, process_id: str, support_id: str, hashes: dict[str, int]) -> bool:
        return any(
            p == process_id and s != support_id and is_reuse(value, other)
            for (p, s, _), other in self.rows.items()
            for value in hashes.values()
        )

    async def admit(self, process_id: str, support_id: str, hashes: dict[str, int]) -> bool:
        reused = await self.reused(process_id, support_id, hashes)
        await self.record(process_id, support_id, hashes)
        return reused

    async def admit_many(self, supports: Sequence[Admission]) -> list[bool]:
        return [await self.admit(*support) for support in supports]


@dataclass
class InMemoryDecodings(InMemoryLedger[IdentityDecoded]):
    async def recorded_many(self, support_ids: Sequence[str]) -> dict[str, IdentityDecoded]:
        return {s: self.outputs[s] for s in support_ids if s in self.outputs}

    async def record_many(self, outputs: Sequence[IdentityDecoded]) -> list[IdentityDecoded]:
        return [await self.record(output) for output in outputs]
