"""Identity's port to the perceptual hashes of earlier pictures of the same process."""

from typing import Protocol


class PictureIndex(Protocol):
    async def record(self, process_id: str, support_id: str, hashes: dict[str, int]) -> None: ...

    async def reused(self, process_id: str, support_id: str, hashes: dict[str, int]) -> bool:
        """Whether any of these pictures is near one of another support of the process."""
        ...

    async def admit(self, process_id: str, support_id: str, hashes: dict[str, int]) -> bool:
        """`reused`, then `record`, as one step: what the service does with each support."""
        ...
