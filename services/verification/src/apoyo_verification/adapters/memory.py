"""In-memory voter roll, for unit tests and as the reference the PostgreSQL one must match."""

from collections import defaultdict
from collections.abc import AsyncIterable, Callable, Hashable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from apoyo_common.codes import Situacion
from apoyo_verification.geography import Cell, cell_of
from apoyo_verification.ports import CardKey, ClaveKey, CutInfo, UnknownCut
from apoyo_verification.roll.batch import RollBatch, rows_of
from apoyo_verification.roll.rows import RollRow

Key = Callable[[RollRow], Hashable]
_INDEXES: dict[str, Key] = {
    "card": lambda r: CardKey(r.cic, r.identificador),
    "clave_emision_ocr": lambda r: ClaveKey(r.clave_elector, r.emision, r.ocr),
    "clave": lambda r: r.clave_elector,
}


@dataclass
class _Cut:
    info: CutInfo
    indexes: dict[str, dict[Hashable, list[RollRow]]] = field(default_factory=dict)
    cells: list[Cell] = field(default_factory=list)


class InMemoryVoterRoll:
    def __init__(self, clock: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:
        self._cuts: dict[date, _Cut] = {}
        self._clock = clock

    async def load(self, cut: date, batches: AsyncIterable[RollBatch]) -> int:
        indexes: dict[str, dict[Hashable, list[RollRow]]] = {n: defaultdict(list) for n in _INDEXES}
        rows, cells = 0, dict[str, Cell]()
        async for batch in batches:
            for row in rows_of(batch):
                for name, key in _INDEXES.items():
                    indexes[name][key(row)].append(row)
                cell = cells.setdefault(cell_of(row), Cell(*row[10:15], ln=0))
                if row.situacion is Situacion.LN:
                    cells[cell.key] = cell._replace(ln=cell.ln + 1)
            rows += batch.rows
        # One assignment: a reader holds either the old cut or the new one.
        info = CutInfo(cut, rows, self._clock())
        self._cuts[cut] = _Cut(info, indexes, sorted(cells.values()))
        return rows

    def _find(self, cut: date, index: str, keys: Sequence[Hashable]) -> list[RollRow]:
        if cut not in self._cuts:
            raise UnknownCut(cut)
        found = self._cuts[cut].indexes[index]
        return [row for key in dict.fromkeys(keys) for row in found.get(key, [])]

    async def by_card(self, cut: date, keys: Sequence[CardKey]) -> list[RollRow]:
        return self._find(cut, "card", keys)

    async def by_clave_emision_ocr(self, cut: date, keys: Sequence[ClaveKey]) -> list[RollRow]:
        return self._find(cut, "clave_emision_ocr", keys)

    async def by_clave(self, cut: date, claves: Sequence[str]) -> list[RollRow]:
        return self._find(cut, "clave", claves)

    async def cells(self, cut: date) -> list[Cell]:
        if cut not in self._cuts:
            raise UnknownCut(cut)
        return list(self._cuts[cut].cells)

    async def cuts(self) -> list[CutInfo]:
        return sorted((c.info for c in self._cuts.values()), key=lambda i: i.cut)
