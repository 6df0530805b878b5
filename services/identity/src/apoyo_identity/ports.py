"""Identity's ports: the perceptual hashes of earlier pictures of the same process, and the
ledger of decoded supports as a batch of them uses it."""

from collections.abc import Sequence
from typing import Protocol

from apoyo_common.messages import IdentityDecoded
from apoyo_common.stage import Ledger

Admission = tuple[str, str, dict[str, int]]  # process, support, its pictures' hashes by kind


class PictureIndex(Protocol):
    async def record(self, process_id: str, support_id: str, hashes: dict[str, int]) -> None: ...

    async def reused(self, process_id: str, support_id: str, hashes: dict[str, int]) -> bool:
        """Whether any of these pictures is near one of another support of the process."""
        ...

    async def admit(self, process_id: str, support_id: str, hashes: dict[str, int]) -> bool:
        """`reused`, then `record`, as one step: what the service does with each support."""
        ...

    async def admit_many(self, supports: Sequence[Admission]) -> list[bool]:
        """`admit` for each support in turn, as one step: a support's pictures are compared
        with those of the supports before it in `supports` too."""
        ...


class Decodings(Ledger[IdentityDecoded], Protocol):
    async def recorded_many(self, support_ids: Sequence[str]) -> dict[str, IdentityDecoded]:
        """The recorded outputs of those of these supports that have one."""
        ...

    async def record_many(self, outputs: Sequence[IdentityDecoded]) -> list[IdentityDecoded]:
        """`record` for each output, as one step: the stored outputs, in the same order."""
        ...
