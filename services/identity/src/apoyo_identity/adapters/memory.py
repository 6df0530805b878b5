"""In-memory picture index: the fake for unit tests."""

from dataclasses import dataclass, field

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
