"""summary.json: the progress object counted over the package's records, equal to what
verification's progress computes from the same supports and the same cut."""

import json
import zipfile
from pathlib import Path

import pytest

from apoyo_common.processes import Dispersion
from apoyo_export.summary import Basis, CellsMissing, Tally, basis, summary_of
from apoyo_verification.geography import Cell, registry_of
from apoyo_verification.territory import process_cells
from apoyo_verification.thresholds import progress
from tests.factories import NOW, process
from tests.unit.export.packages import BASIS, PROCESS, build

CELLS = [
    Cell("26", "01", "02", "001", "0001", 150),
    Cell("26", "01", "02", "001", "0002", 100),
    Cell("26", "03", "05", "002", "0003", 100),
    Cell("26", "03", "05", "003", "0004", 0),  # no LN records: not a unit
    Cell("26", "04", "07", "004", "0005", 400),
    Cell("02", "01", "01", "001", "0006", 500),  # another state: outside the territory
]
# (status, index of the cell whose record was found; None: none found)
OUTCOMES = [
    *[("EN_LISTA_NOMINAL", 0)] * 2,
    ("EN_LISTA_NOMINAL", 1),
    ("EN_LISTA_NOMINAL", 2),
    *[("EN_LISTA_NOMINAL", 4)] * 3,
    ("EN_LISTA_NOMINAL", 5),  # counts as valid, in no unit of the territory
    ("NO_ENCONTRADO", None),
    ("BAJA", 1),
    ("DUPLICADO_OTRO_ASPIRANTE", 4),
    ("PENDIENTE_REVISION", None),
]
RULES = [
    None,
    Dispersion(unit="municipio", min_units="half", pct_per_unit=1.0),
    Dispersion(unit="seccion", min_units=4, pct_per_unit=1.0),
    Dispersion(unit="distrito_federal", min_units=3, pct_per_unit=0.5),
    Dispersion(unit="entidad", min_units=1, pct_per_unit=3.0),
]


def verification_progress(rule: Dispersion | None) -> dict[str, object]:
    """What verification's route answers: its aggregates per (status, cell)."""
    by_status: dict[str, int] = {}
    valid: dict[str, int] = {}
    for status, at in OUTCOMES:
        by_status[status] = by_status.get(status, 0) + 1
        if status == "EN_LISTA_NOMINAL" and at is not None:
            valid[CELLS[at].key] = valid.get(CELLS[at].key, 0) + 1
    defined = process().model_copy(update={"dispersion": rule})
    return progress(defined, CELLS, by_status, valid).as_json()


def export_summary(rule: Dispersion | None) -> dict[str, object]:
    """What export writes: the records' statuses and roll cells, and `process.cells`."""
    defined = process().model_copy(update={"dispersion": rule})
    figures = basis(defined, process_cells(defined, CELLS, NOW))
    tally = Tally(None if rule is None else rule.unit)
    for status, at in OUTCOMES:
        registry = None if at is None else registry_of(CELLS[at].key)
        tally.add(status, None if registry is None else registry.model_dump())
    return summary_of(tally, figures)


@pytest.mark.parametrize("rule", RULES, ids=lambda r: "none" if r is None else r.unit)
def test_the_summary_is_verifications_progress_of_the_same_supports(
    rule: Dispersion | None,
) -> None:
    summary = export_summary(rule)
    assert summary.pop("supports") == len(OUTCOMES)
    assert summary == verification_progress(rule)
    assert summary["ln_total"] == 750 and summary["required"] == 23  # 3 % of 750


def test_the_package_summary_has_the_figures_of_its_records(tmp_path: Path) -> None:
    build(tmp_path / "p.zip", 10)
    with zipfile.ZipFile(tmp_path / "p.zip") as archive:
        summary = json.loads(archive.read("summary.json"))
        records = [json.loads(line) for line in archive.read("supports.jsonl").splitlines()]
    valid = [r for r in records if r["status"] == "EN_LISTA_NOMINAL"]
    assert summary["valid"] == len(valid) == 4
    assert summary["ln_total"] == 450 and summary["required"] == 14  # 3 % of 450
    # Municipio 001 needs 1 valid of its 100 LN, 002 needs 3 of its 300, 003 has none here.
    by_unit = {m: sum(r["registry"]["municipio"] == m for r in valid) for m in ("001", "002")}
    met = (by_unit["001"] >= 1) + (by_unit["002"] >= 3)
    units = [
        {"unit": "26-001", "ln": 100, "required": 1, "valid": by_unit["001"]},
        {"unit": "26-002", "ln": 300, "required": 3, "valid": by_unit["002"]},
        {"unit": "26-003", "ln": 50, "required": 1, "valid": 0},
    ]
    assert summary["dispersion"] == {
        "unit": "municipio", "units_met": met, "units_required": 2, "units_total": 3,
        "units": [u | {"met": u["valid"] >= u["required"]} for u in units],
    }  # fmt: skip
    assert summary["met"] is False and summary["supports"] == 10


def test_without_the_cells_of_the_process_cut_the_summary_waits() -> None:
    with pytest.raises(CellsMissing):
        basis(PROCESS, None)
    older = BASIS.cells.model_copy(update={"cut": PROCESS.cut.replace(year=2025)})
    with pytest.raises(CellsMissing):
        basis(PROCESS, older)
    other_unit = BASIS.cells.model_copy(update={"unit": "seccion"})
    with pytest.raises(CellsMissing):
        basis(PROCESS, other_unit)
    assert basis(PROCESS, BASIS.cells) == Basis(PROCESS, BASIS.cells)
