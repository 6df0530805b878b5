"""The voter-roll contract against the in-memory fake and PostgreSQL."""

import asyncio
from collections.abc import AsyncIterator, Sequence
from datetime import date

import asyncpg
import pytest

from apoyo.synthetic.people import Citizen
from apoyo_common.codes import CausaBaja, Situacion
from apoyo_common.db import migrate
from apoyo_verification.adapters.memory import InMemoryVoterRoll
from apoyo_verification.adapters.postgres import PgVoterRoll
from apoyo_verification.ports import CardKey, ClaveKey, UnknownCut, VoterRoll
from apoyo_verification.roll.batch import RollBatch, batch_of
from apoyo_verification.roll.rows import RollRow, validate
from tests.roll_files import CUT, fields, people

pytestmark = pytest.mark.component
LATER = date(2026, 9, 30)


@pytest.fixture(params=["memory", "postgres"])
async def roll(request: pytest.FixtureRequest, pool: asyncpg.Pool) -> AsyncIterator[VoterRoll]:
    if request.param == "memory":
        yield InMemoryVoterRoll()
        return
    await migrate(pool, "verification", "apoyo_verification")
    yield PgVoterRoll(pool)


def row(person: Citizen, **changes: str) -> RollRow:
    typed = validate(fields(person, **changes), 2, CUT)
    assert isinstance(typed, RollRow)
    return typed


def rows(persons: Sequence[Citizen], **changes: str) -> list[RollRow]:
    return [row(p, **changes) for p in persons]


async def stream(*batches: list[RollRow]) -> AsyncIterator[RollBatch]:
    for batch in batches:
        yield batch_of(batch)


def card(r: RollRow) -> CardKey:
    return CardKey(r.cic, r.identificador)


async def test_cells_count_the_ln_of_each_cell_and_keep_cells_without_any(
    roll: VoterRoll,
) -> None:
    persons = people(12)
    loaded = [
        *rows(persons[:4], municipio="001", seccion="0101"),
        *rows(persons[4:6], municipio="001", seccion="0101", situacion="PADRON"),
        *rows(persons[6:8], municipio="002", seccion="0202", distrito_local="12"),
        *rows(persons[8:10], municipio="003", seccion="0303", situacion="PADRON"),
        *rows(
            persons[10:],
            municipio="003",
            seccion="0304",
            situacion="BAJA",
            causa_baja="DEFUNCION",
        ),
    ]
    await roll.load(CUT, stream(loaded[:5], [], loaded[5:]))
    cells = await roll.cells(CUT)
    assert [(c.key, c.ln) for c in cells] == [
        ("26-03-11-001-0101", 4),
        ("26-03-11-003-0303", 0),
        ("26-03-11-003-0304", 0),
        ("26-03-12-002-0202", 2),
    ]


async def test_each_lookup_path_finds_the_row(roll: VoterRoll) -> None:
    loaded = rows(people(30))
    loaded[4] = loaded[4]._replace(apellido_paterno="NÚÑEZ", curp=None, situacion=Situacion.BAJA)
    loaded[4] = loaded[4]._replace(causa_baja=CausaBaja.DEFUNCION)
    assert await roll.load(CUT, stream(loaded[:10], [], loaded[10:])) == 30
    wanted = loaded[4]
    assert await roll.by_card(CUT, [card(wanted)]) == [wanted]
    key = ClaveKey(wanted.clave_elector, wanted.emision, wanted.ocr)
    assert await roll.by_clave_emision_ocr(CUT, [key]) == [wanted]
    assert await roll.by_clave(CUT, [wanted.clave_elector]) == [wanted]


async def test_lookups_take_a_batch_and_miss_quietly(roll: VoterRoll) -> None:
    loaded = rows(people(40))
    await roll.load(CUT, stream(loaded))
    keys = [card(r) for r in loaded[::3]] + [CardKey("000000000", "000000000"), card(loaded[0])]
    found = await roll.by_card(CUT, keys)
    assert sorted(found) == sorted(loaded[::3])
    assert await roll.by_clave(CUT, ["NOSUCHCLAVE"]) == []


async def test_a_cut_never_loaded_is_an_error_not_an_empty_answer(roll: VoterRoll) -> None:
    await roll.load(CUT, stream(rows(people(2))))
    with pytest.raises(UnknownCut):
        await roll.by_clave(LATER, ["ANY"])


async def test_two_cuts_coexist_and_each_lookup_names_its_cut(roll: VoterRoll) -> None:
    persons = people(5)
    await roll.load(CUT, stream(rows(persons, situacion="PADRON")))
    await roll.load(LATER, stream(rows(persons[:3])))
    first = persons[0]
    [then] = await roll.by_clave(CUT, [first.clave_elector])
    [now] = await roll.by_clave(LATER, [first.clave_elector])
    assert (then.situacion, now.situacion) == (Situacion.PADRON, Situacion.LN)
    assert [(c.cut, c.rows) for c in await roll.cuts()] == [(CUT, 5), (LATER, 3)]


async def test_a_reload_is_invisible_until_complete(roll: VoterRoll) -> None:
    old, new = rows(people(20, seed=1)), rows(people(30, seed=2))
    keys = [card(r) for r in old + new]
    await roll.load(CUT, stream(old))
    seen: list[int] = []

    async def batches() -> AsyncIterator[RollBatch]:
        for start in range(0, 30, 10):
            yield batch_of(new[start : start + 10])
            seen.append(len(await roll.by_card(CUT, keys)))

    await roll.load(CUT, batches())
    assert seen == [20, 20, 20]
    assert sorted(await roll.by_card(CUT, keys)) == sorted(new)
    assert [c.rows for c in await roll.cuts()] == [30]


async def test_readers_during_a_reload_see_one_cut_whole(roll: VoterRoll) -> None:
    old, new = rows(people(50, seed=3)), rows(people(60, seed=4))
    keys, old_set = [card(r) for r in old + new], set(old)
    await roll.load(CUT, stream(old))
    done, snapshots = asyncio.Event(), []

    async def read() -> None:
        while not done.is_set():
            found = await roll.by_card(CUT, keys)
            snapshots.append((len(found), all(r in old_set for r in found)))
            await asyncio.sleep(0)

    reader = asyncio.create_task(read())
    await roll.load(CUT, stream(*(new[i : i + 5] for i in range(0, 60, 5))))
    await asyncio.sleep(0.05)
    done.set()
    await reader
    assert set(snapshots) <= {(50, True), (60, False)} and (60, False) in snapshots


async def test_loads_running_together_each_swap_in_whole(roll: VoterRoll) -> None:
    persons = people(40, seed=7)
    first, second, third = rows(persons[:10]), rows(persons[10:25]), rows(persons[25:])
    await asyncio.gather(
        roll.load(CUT, stream(first[:5], first[5:])),
        roll.load(LATER, stream(second[:5], second[5:])),
        roll.load(CUT, stream(third[:5], third[5:])),
    )
    cuts = {c.cut: c.rows for c in await roll.cuts()}
    assert cuts[LATER] == 15 and cuts[CUT] in (10, 15)
    found = await roll.by_card(CUT, [card(r) for r in first + third])
    assert sorted(found) in (sorted(first), sorted(third))


async def test_a_failed_reload_leaves_the_old_cut(roll: VoterRoll) -> None:
    old, new = rows(people(10, seed=5)), rows(people(10, seed=6))
    await roll.load(CUT, stream(old))
    before = await roll.cuts()

    async def failing() -> AsyncIterator[RollBatch]:
        yield batch_of(new)
        raise RuntimeError("the file broke")

    with pytest.raises(RuntimeError):
        await roll.load(CUT, failing())
    assert await roll.cuts() == before
    assert sorted(await roll.by_card(CUT, [card(r) for r in old + new])) == sorted(old)


async def test_postgres_leaves_no_staging_table_behind(pool: asyncpg.Pool) -> None:
    await migrate(pool, "verification", "apoyo_verification")
    roll = PgVoterRoll(pool)
    await roll.load(CUT, stream(rows(people(3))))
    await roll.load(CUT, stream(rows(people(4))))

    async def broken() -> AsyncIterator[RollBatch]:
        yield batch_of(rows(people(2)))
        raise ValueError("unreadable")

    with pytest.raises(ValueError, match="unreadable"):
        await roll.load(LATER, broken())
    tables = await pool.fetch(
        "SELECT tablename FROM pg_tables WHERE schemaname = 'verification' "
        "AND tablename LIKE 'roll\\_2%'"
    )
    [cut] = await roll.cuts()
    assert [t["tablename"] for t in tables] == [
        await pool.fetchval("SELECT partition FROM verification.roll_cuts")
    ]
    assert cut.rows == 4
