"""Finding records by the three paths, best first, one query per path for a whole batch."""

from collections.abc import AsyncIterator, Sequence
from datetime import date

from apoyo_verification.adapters.memory import InMemoryVoterRoll
from apoyo_verification.lookup import Path, find_records
from apoyo_verification.ports import CardKey, ClaveKey
from apoyo_verification.roll.batch import RollBatch, batch_of
from apoyo_verification.roll.rows import RollRow
from tests.roll_files import CUT
from tests.unit.verification.cases import decoded, form, person, record


class CountingRoll(InMemoryVoterRoll):
    calls: list[str]

    def __init__(self) -> None:
        super().__init__()
        self.calls = []

    async def by_card(self, cut: date, keys: Sequence[CardKey]) -> list[RollRow]:
        self.calls.append("card")
        return await super().by_card(cut, keys)

    async def by_clave_emision_ocr(self, cut: date, keys: Sequence[ClaveKey]) -> list[RollRow]:
        self.calls.append("clave_emision_ocr")
        return await super().by_clave_emision_ocr(cut, keys)

    async def by_clave(self, cut: date, claves: Sequence[str]) -> list[RollRow]:
        self.calls.append("clave")
        return await super().by_clave(cut, claves)


async def loaded(rows: list[RollRow]) -> CountingRoll:
    async def batches() -> AsyncIterator[RollBatch]:
        yield batch_of(rows)

    roll = CountingRoll()
    await roll.load(CUT, batches())
    return roll


async def test_each_support_is_found_by_its_best_path_in_one_query_per_path() -> None:
    a, b, c, d = (person(i) for i in range(4))
    roll = await loaded([record(a), record(b), record(c, cic="111111111")])
    supports = [
        decoded(a, support_id="by-card"),
        decoded(b, support_id="typed-card", card=False, typed=form(b, clave_elector=None)),
        decoded(c, support_id="by-clave-emision-ocr"),  # its card is not the roll's
        decoded(
            c, support_id="by-clave", card=False, typed=form(None, clave_elector=c.clave_elector)
        ),
        decoded(d, support_id="nobody"),
    ]
    found = await find_records(roll, CUT, supports)
    assert {k: v.path for k, v in found.items()} == {
        "by-card": Path.CARD,
        "typed-card": Path.CARD,
        "by-clave-emision-ocr": Path.CLAVE_EMISION_OCR,
        "by-clave": Path.CLAVE,
    }
    assert roll.calls == ["card", "clave_emision_ocr", "clave"]


async def test_a_clave_typed_in_lower_case_is_found_and_the_latest_card_wins() -> None:
    who = person()
    roll = await loaded([record(who, emision="01"), record(who, emision="03", cic="222222222")])
    typed = form(None, clave_elector=f" {who.clave_elector.lower()} ")
    found = await find_records(roll, CUT, [decoded(who, card=False, typed=typed)])
    assert found["s-1"].record.emision == "03" and found["s-1"].path is Path.CLAVE


async def test_nothing_to_look_up_asks_the_roll_nothing() -> None:
    roll = await loaded([record(person())])
    assert await find_records(roll, CUT, [decoded(None, typed=form(None))]) == {}
    assert roll.calls == []
