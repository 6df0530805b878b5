"""`apoyo voter-roll load` and `cuts` end to end on a PostgreSQL database."""

import asyncio
import csv
import gzip
import json
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from apoyo.cli import app
from apoyo_common.db import create_pool, migrate
from apoyo_common.messages import ProcessCells
from apoyo_common.processes import Dispersion
from apoyo_common.topics import PROCESS_CELLS
from apoyo_verification.adapters.book_postgres import PgProcesses
from apoyo_verification.roll.rows import COLUMNS
from tests.factories import process
from tests.roll_files import fields, people

pytestmark = pytest.mark.component


async def apoyo(database: str, *args: str) -> Result:
    # The command runs its own event loop, so it gets a thread of its own.
    runner = CliRunner()
    env = {"APOYO_DATABASE_URL": database}
    return await asyncio.to_thread(lambda: runner.invoke(app, list(args), env=env))


def bad_file(path: Path) -> Path:
    persons = people(6)
    lines = [",".join(COLUMNS)] + [",".join(fields(p)) for p in persons]
    lines[2] = ",".join(fields(persons[1], emision="x"))
    lines[5] = ",".join(fields(persons[4], fecha_nacimiento="2030-01-01", sexo=""))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


async def test_an_invalid_file_exits_non_zero_listing_each_bad_row(
    database: str, tmp_path: Path
) -> None:
    result = await apoyo(
        database, "voter-roll", "load", str(bad_file(tmp_path / "r.csv")), "--cut", "2026-08-31"
    )
    assert result.exit_code == 1
    assert "línea 3: columna emision: debe tener 2 dígitos" in result.stderr
    assert "línea 6: columna sexo: debe ser uno de: H, M, X" in result.stderr
    assert "2 filas con errores; no se cargó nada" in result.stderr
    listed = await apoyo(database, "voter-roll", "cuts")
    assert listed.exit_code == 0 and listed.stdout == ""


async def test_skip_invalid_loads_a_gzip_file_and_writes_the_rejects(
    database: str, tmp_path: Path
) -> None:
    path, rejects = bad_file(tmp_path / "r.csv"), tmp_path / "rechazos.csv"
    packed = tmp_path / "r.csv.gz"
    packed.write_bytes(gzip.compress(path.read_bytes()))
    args = ["voter-roll", "load", str(packed), "--cut", "2026-08-31", "--skip-invalid"]
    result = await apoyo(database, *args, "--rejects", str(rejects))
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout) == {"cut": "2026-08-31", "rows": 4, "rejected": 2}
    with rejects.open(encoding="utf-8") as handle:
        written = list(csv.DictReader(handle))
    assert [(r["linea"], r["errores"]) for r in written] == [
        ("3", "emision: debe tener 2 dígitos"),
        ("6", "sexo: debe ser uno de: H, M, X"),
    ]
    [cut] = [
        json.loads(line)
        for line in (await apoyo(database, "voter-roll", "cuts")).stdout.splitlines()
    ]
    assert (cut["cut"], cut["rows"]) == ("2026-08-31", 4)


async def test_loading_a_cut_tells_export_the_figures_of_each_process_judged_against_it(
    database: str, tmp_path: Path
) -> None:
    pool = await create_pool(database, 2)
    try:
        await migrate(pool, "verification", "apoyo_verification")
        rule = Dispersion(unit="municipio", min_units="half", pct_per_unit=1.0)
        await PgProcesses(pool).save(process().model_copy(update={"dispersion": rule}))
        await PgProcesses(pool).save(process(process_id="otro").model_copy(
            update={"cut": date(2025, 1, 31)}
        ))  # fmt: skip
        args = ["voter-roll", "load", str(bad_file(tmp_path / "r.csv")), "--cut", "2026-08-31"]
        result = await apoyo(database, *args, "--skip-invalid")
        assert result.exit_code == 0, result.stderr
        rows = await pool.fetch("SELECT topic, key, payload FROM verification.outbox")
    finally:
        await pool.close()
    [(topic, key, payload)] = [tuple(r) for r in rows]  # the other process's cut is not loaded
    assert (topic, key) == (PROCESS_CELLS, b"gub-son-2027")
    cells = ProcessCells.model_validate_json(payload)
    assert (cells.cut, cells.unit, cells.ln_total) == (date(2026, 8, 31), "municipio", 4)
    assert sum(cells.ln_by_unit.values()) == 4
