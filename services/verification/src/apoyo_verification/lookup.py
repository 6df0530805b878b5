"""Finding a support's record in the process's cut, for a batch of supports at once.

Three paths, best evidence first (domain.md, "The voter credential"): the card (CIC +
identificador, models E on), then clave de elector + emisión + OCR (older models), then the
clave alone. What the card's MRZ says is used before what was typed. A support not found by
one path is tried by the next, so each path costs one query for the whole batch.
"""

from collections.abc import Awaitable, Callable, Hashable, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

from apoyo_common.messages import IdentityDecoded
from apoyo_verification.ports import CardKey, ClaveKey, VoterRoll
from apoyo_verification.roll.rows import RollRow


class Path(StrEnum):
    CARD = "CIC_IDENTIFICADOR"
    CLAVE_EMISION_OCR = "CLAVE_EMISION_OCR"
    CLAVE = "CLAVE_ELECTOR"


@dataclass(frozen=True)
class Found:
    record: RollRow
    path: Path


def _digits(value: str | None, width: int) -> str | None:
    value = (value or "").strip()
    return value if len(value) == width and value.isascii() and value.isdigit() else None


def ocr_of(decoded: IdentityDecoded) -> str | None:
    return decoded.mrz.ocr if decoded.mrz else _digits(decoded.form.ocr, 13)


def cic_of(decoded: IdentityDecoded) -> str | None:
    return decoded.mrz.cic if decoded.mrz else _digits(decoded.form.cic, 9)


def clave_of(decoded: IdentityDecoded) -> str | None:
    return (decoded.form.clave_elector or "").strip().upper() or None


def card_key(decoded: IdentityDecoded) -> CardKey | None:
    cic, ocr = cic_of(decoded), ocr_of(decoded)
    return CardKey(cic, ocr[4:]) if cic and ocr else None


def clave_key(decoded: IdentityDecoded) -> ClaveKey | None:
    clave, ocr = clave_of(decoded), ocr_of(decoded)
    emision = _digits(decoded.form.emision, 2)
    return ClaveKey(clave, emision, ocr) if clave and emision and ocr else None


def searchable(decoded: IdentityDecoded) -> bool:
    return any(way.key_of(decoded) for way in WAYS)


@dataclass(frozen=True)
class _Way:
    path: Path
    key_of: Callable[[IdentityDecoded], Hashable | None]
    row_key: Callable[[RollRow], Hashable]
    lookup: Callable[[VoterRoll, date, list[Any]], Awaitable[list[RollRow]]]


async def _by_card(roll: VoterRoll, cut: date, keys: list[Any]) -> list[RollRow]:
    return await roll.by_card(cut, keys)


async def _by_clave_emision_ocr(roll: VoterRoll, cut: date, keys: list[Any]) -> list[RollRow]:
    return await roll.by_clave_emision_ocr(cut, keys)


async def _by_clave(roll: VoterRoll, cut: date, keys: list[Any]) -> list[RollRow]:
    return await roll.by_clave(cut, keys)


WAYS = (
    _Way(Path.CARD, card_key, lambda r: CardKey(r.cic, r.identificador), _by_card),
    _Way(
        Path.CLAVE_EMISION_OCR,
        clave_key,
        lambda r: ClaveKey(r.clave_elector, r.emision, r.ocr),
        _by_clave_emision_ocr,
    ),
    _Way(Path.CLAVE, clave_of, lambda r: r.clave_elector, _by_clave),
)


def _latest(rows: list[RollRow]) -> RollRow:
    """Several records under one key: the latest card (highest emisión), deterministically."""
    return max(rows, key=lambda r: (r.emision, r.cic))


async def find_records(
    roll: VoterRoll, cut: date, supports: Sequence[IdentityDecoded]
) -> dict[str, Found]:
    """The record of each support found in the cut, by support id (absent: not found)."""
    found: dict[str, Found] = {}
    for way in WAYS:
        keyed = {
            s.support_id: k for s in supports if s.support_id not in found and (k := way.key_of(s))
        }
        if not keyed:
            continue
        index: dict[Hashable, list[RollRow]] = {}
        for row in await way.lookup(roll, cut, list(dict.fromkeys(keyed.values()))):
            index.setdefault(way.row_key(row), []).append(row)
        for support_id, key in keyed.items():
            if key in index:
                found[support_id] = Found(_latest(index[key]), way.path)
    return found
