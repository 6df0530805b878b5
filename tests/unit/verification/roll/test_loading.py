import csv
from collections import Counter
from collections.abc import AsyncIterator, Sequence
from datetime import date
from pathlib import Path

import pytest

from apoyo_common.codes import Situacion
from apoyo_verification.adapters.memory import InMemoryVoterRoll
from apoyo_verification.geography import cell_of
from apoyo_verification.ports import CardKey
from apoyo_verification.roll import loading, source
from apoyo_verification.roll.batch import RollBatch, rows_of
from apoyo_verification.roll.loading import InvalidRoll, load_roll
from apoyo_verification.roll.rows import COLUMNS, RowError
from tests.roll_files import CUT, fields, people, write_roll


class Rejects:
    def __init__(self) -> None:
        self.seen: list[tuple[int, list[RowError], Sequence[str] | None]] = []

    def __call__(self, line: int, errors: list[RowError], row: Sequence[str] | None) -> None:
        self.seen.append((line, errors, row))

    def lines(self) -> list[int]:
        return [line for line, _, _ in self.seen]


def with_bad_rows(path: Path) -> Path:
    """Ten synthetic rows; lines 3 and 7 are bad (a short CIC, a BAJA without cause)."""
    persons = people(10)
    lines = [",".join(COLUMNS)] + [",".join(fields(p)) for p in persons]
    lines[2] = ",".join(fields(persons[1], cic="123"))
    lines[6] = ",".join(fields(persons[5], situacion="BAJA"))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("compress", [False, True])
async def test_a_valid_file_becomes_the_cut(tmp_path: Path, compress: bool) -> None:
    persons, roll, rejects = people(25), InMemoryVoterRoll(), Rejects()
    path = write_roll(tmp_path / "roll.csv", persons, compress)
    report = await load_roll(roll, path, CUT, rejects)
    assert (report.loaded, report.rejected, rejects.seen) == (25, 0, [])
    found = await roll.by_card(CUT, [CardKey(persons[3].cic, persons[3].identificador)])
    assert [r.clave_elector for r in found] == [persons[3].clave_elector]


async def test_an_invalid_file_loads_nothing_and_names_each_bad_line(tmp_path: Path) -> None:
    roll, rejects = InMemoryVoterRoll(), Rejects()
    with pytest.raises(InvalidRoll) as raised:
        await load_roll(roll, with_bad_rows(tmp_path / "roll.csv"), CUT, rejects)
    assert raised.value.rejected == 2 and await roll.cuts() == []
    assert rejects.lines() == [3, 7]
    assert [(e.column, e.line) for _, errors, _ in rejects.seen for e in errors] == [
        ("cic", 3),
        ("causa_baja", 7),
    ]


async def test_skip_invalid_loads_the_rest_and_hands_over_the_rejects(tmp_path: Path) -> None:
    roll, rejects = InMemoryVoterRoll(), Rejects()
    path = with_bad_rows(tmp_path / "roll.csv")
    report = await load_roll(roll, path, CUT, rejects, skip_invalid=True)
    assert (report.loaded, report.rejected) == (8, 2)
    [cut] = await roll.cuts()
    assert cut.rows == 8
    row = rejects.seen[0][2]
    assert row is not None and row[0] == "123"  # the row as read, in the format's columns


async def test_a_wrong_header_loads_nothing(tmp_path: Path) -> None:
    path = tmp_path / "roll.csv"
    path.write_text("cic,identificador\n1,2\n", encoding="utf-8")
    rejects = Rejects()
    with pytest.raises(InvalidRoll):
        await load_roll(InMemoryVoterRoll(), path, CUT, rejects, skip_invalid=True)
    [(line, errors, _)] = rejects.seen
    assert line == 1 and len(errors) == len(COLUMNS) - 2


async def test_a_file_with_no_valid_row_is_refused_even_when_skipping(tmp_path: Path) -> None:
    path = tmp_path / "roll.csv"
    path.write_text(",".join(COLUMNS) + "\n", encoding="utf-8")
    roll = InMemoryVoterRoll()
    with pytest.raises(InvalidRoll, match="ninguna fila válida"):
        await load_roll(roll, path, CUT, Rejects(), skip_invalid=True)
    assert await roll.cuts() == []


async def test_rows_of_the_wrong_width_and_broken_csv_are_bad_rows(tmp_path: Path) -> None:
    good = ",".join(fields(people(1)[0]))
    path = tmp_path / "roll.csv"
    huge = '"' + "A" * 200_000 + '"'  # over the csv module's field limit
    path.write_text(f"{','.join(COLUMNS)}\n{good}\n1,2,3\n{huge}\n{good}\n", encoding="utf-8")
    rejects = Rejects()
    report = await load_roll(InMemoryVoterRoll(), path, CUT, rejects, skip_invalid=True)
    assert report.loaded == 2 and rejects.lines() == [3, 4]
    assert [str(errors[0]) for _, errors, _ in rejects.seen] == [
        "línea 3: tiene 3 campos y no 18",
        "línea 4: CSV mal formado",
    ]


async def test_progress_is_reported_in_bytes_up_to_the_size(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(source, "BLOCK_CHARS", 1000)  # a block of about eight rows
    path = write_roll(tmp_path / "roll.csv", people(35))
    seen: list[tuple[int, int]] = []
    await load_roll(
        InMemoryVoterRoll(), path, CUT, Rejects(), progress=lambda b, r: seen.append((b, r))
    )
    assert len(seen) > 4 and seen == sorted(seen) and seen[-1] == (path.stat().st_size, 35)


async def test_rows_read_one_by_one_report_progress_every_batch(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(loading, "BATCH_ROWS", 10)
    path = tmp_path / "roll.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:  # quoted: parsed row by row
        csv.writer(handle, quoting=csv.QUOTE_ALL).writerows(
            [COLUMNS, *(fields(p) for p in people(35))]
        )
    seen: list[tuple[int, int]] = []
    report = await load_roll(
        InMemoryVoterRoll(), path, CUT, Rejects(), progress=lambda b, r: seen.append((b, r))
    )
    assert report.loaded == 35 and [r for _, r in seen] == [10, 20, 30, 35]


async def test_a_reload_replaces_the_cut_and_other_cuts_stay(tmp_path: Path) -> None:
    roll, first, second = InMemoryVoterRoll(), people(5, seed=1), people(7, seed=2)
    await load_roll(roll, write_roll(tmp_path / "a.csv", first), CUT, Rejects())
    await load_roll(roll, write_roll(tmp_path / "b.csv", second), CUT, Rejects())
    await load_roll(roll, write_roll(tmp_path / "c.csv", first), date(2026, 9, 30), Rejects())
    assert [(c.cut, c.rows) for c in await roll.cuts()] == [(CUT, 7), (date(2026, 9, 30), 5)]
    assert await roll.by_clave(CUT, [first[0].clave_elector]) == []


class Batches:
    """A roll that keeps the batches it is given."""

    def __init__(self) -> None:
        self.seen: list[RollBatch] = []

    async def load(self, cut: date, batches: AsyncIterator[RollBatch]) -> int:
        self.seen = [b async for b in batches]
        return sum(b.rows for b in self.seen)


async def test_batches_count_ln_per_cell_whichever_way_their_rows_were_checked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(source, "BLOCK_CHARS", 600)  # blocks of a few rows
    persons = people(40)
    lines = [",".join(COLUMNS)]
    for i, person in enumerate(persons):
        changes = {"seccion": f"{100 + i % 3:04d}", "municipio": f"{1 + i % 2:03d}"}
        if i % 5 == 0:
            changes |= {"situacion": "BAJA", "causa_baja": "DEFUNCION"}
        if i % 7 == 0:
            changes["apellido_paterno"] = "Núñez"  # not plain: checked in full
        line = ",".join(fields(person, **changes))
        quoted = '"' + line.replace(",", '","') + '"'  # parsed by the csv module
        lines.append(line if i % 11 else quoted)
    path = tmp_path / "roll.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    roll = Batches()
    report = await load_roll(roll, path, CUT, Rejects())  # type: ignore[arg-type]
    counted: Counter[str] = Counter()
    for batch in roll.seen:
        counted.update(batch.cells)
    rows = [r for b in roll.seen for r in rows_of(b)]
    expected = Counter(cell_of(r) for r in rows if r.situacion is Situacion.LN)
    assert report.loaded == len(rows) == 40 and counted == expected
    assert set(counted) == {cell_of(r) for r in rows}  # cells with no LN are there too
