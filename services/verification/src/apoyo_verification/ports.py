"""The verification service's ports, and the values that cross them."""

from collections.abc import AsyncIterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import NamedTuple, Protocol

from apoyo_verification.geography import Cell
from apoyo_verification.roll.batch import RollBatch
from apoyo_verification.roll.rows import RollRow


@dataclass(frozen=True)
class CutInfo:
    cut: date
    rows: int
    loaded_at: datetime


class CardKey(NamedTuple):
    """Lookup of credentials from model E on: the card and the citizen's identifier."""

    cic: str
    identificador: str


class ClaveKey(NamedTuple):
    """Lookup of older credentials: clave de elector, emission number and OCR."""

    clave_elector: str
    emision: str
    ocr: str


class UnknownCut(LookupError):
    """No cut of that date has been loaded: a lookup in it would wrongly find nobody."""


class VoterRoll(Protocol):
    """Voter-roll cuts side by side; each lookup names its cut and takes a batch of keys."""

    async def load(self, cut: date, batches: AsyncIterable[RollBatch]) -> int:
        """Replace the cut by the rows given (already valid), atomically: readers see the old
        cut or the new one, complete. If iterating the batches raises, the old cut stays."""
        ...

    async def by_card(self, cut: date, keys: Sequence[CardKey]) -> list[RollRow]: ...

    async def by_clave_emision_ocr(self, cut: date, keys: Sequence[ClaveKey]) -> list[RollRow]: ...

    async def by_clave(self, cut: date, claves: Sequence[str]) -> list[RollRow]: ...

    async def cuts(self) -> list[CutInfo]: ...

    async def cells(self, cut: date) -> list[Cell]:
        """The cut's cells with their `LN` records, counted once per cut. Raises UnknownCut."""
        ...
