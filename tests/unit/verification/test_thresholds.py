"""Required supports, dispersion with numbers and "half", and when a progress is met."""

import pytest

from apoyo_common.processes import Dispersion, Territory
from apoyo_verification.geography import Cell
from apoyo_verification.thresholds import dispersion, progress, share, units_required
from tests.unit.verification.cases import PROCESS


def test_sonora_2021_three_percent_of_its_ln_is_64154() -> None:
    assert share(3.0, 2_138_453) == 64_154


@pytest.mark.parametrize(
    ("pct", "base", "expected"),
    [
        (1.0, 100, 1),  # exact: no rounding up of an exact product
        (1.0, 101, 2),
        (2.0, 50, 1),
        (0.1, 1000, 1),  # 0.1 as a float is a hair above 1/10: read as its decimal text
        (0.7, 100, 1),
        (3.0, 0, 0),
        (100.0, 7, 7),
        (1.1, 1000, 11),  # 1.1 × 1000 in floats is 1100.0000000000002
    ],
)
def test_share_rounds_up_the_exact_decimal_product(pct: float, base: int, expected: int) -> None:
    assert share(pct, base) == expected


@pytest.mark.parametrize(("units", "required"), [(0, 0), (1, 1), (7, 4), (72, 36), (21, 11)])
def test_half_is_at_least_half_of_the_units_rounded_up(units: int, required: int) -> None:
    rule = Dispersion(unit="municipio", min_units="half", pct_per_unit=1.0)
    assert units_required(rule, units) == required


def test_a_number_of_units_is_taken_as_given() -> None:
    rule = Dispersion(unit="entidad", min_units=17, pct_per_unit=1.0)
    assert units_required(rule, 32) == 17


def cell(municipio: str, seccion: str, ln: int, entidad: str = "26") -> Cell:
    return Cell(entidad, "01", "02", municipio, seccion, ln)


CELLS = [
    cell("001", "0001", 150),  # municipio 001: 250 LN, needs 3 at 1 %
    cell("001", "0002", 100),
    cell("002", "0003", 100),  # municipio 002: 100 LN, needs 1
    cell("003", "0004", 0),  # no LN records: not a unit of the territory
    cell("004", "0005", 400),  # municipio 004: needs 4
    cell("001", "0006", 500, entidad="02"),  # another state: outside the territory
]


def test_units_meet_their_share_of_their_own_ln() -> None:
    rule = Dispersion(unit="municipio", min_units="half", pct_per_unit=1.0)
    mine = [c for c in CELLS if c.entidad == "26"]
    valid = {CELLS[0].key: 2, CELLS[1].key: 1, CELLS[2].key: 1, CELLS[4].key: 3}
    found = dispersion(rule, mine, valid)
    assert (found.units_met, found.units_total, found.units_required) == (2, 3, 2)
    assert found.met
    shares = [(u.unit, u.ln, u.required, u.valid, u.met) for u in found.units]
    assert shares == [
        ("26-001", 250, 3, 3, True),
        ("26-002", 100, 1, 1, True),
        ("26-004", 400, 4, 3, False),
    ]


def test_units_are_named_with_their_state() -> None:
    rule = Dispersion(unit="municipio", min_units=2, pct_per_unit=1.0)
    found = dispersion(rule, [CELLS[0], CELLS[5]], {CELLS[0].key: 2, CELLS[5].key: 5})
    # Two units (26-001 needs 2 of its 150, 02-001 needs 5 of its 500), not one "001".
    assert (found.units_total, found.units_met) == (2, 2)


def test_progress_counts_the_territory_and_is_met_only_with_dispersion() -> None:
    rule = Dispersion(unit="seccion", min_units=4, pct_per_unit=1.0)
    defined = PROCESS.model_copy(update={"dispersion": rule})
    by_status = {"EN_LISTA_NOMINAL": 23, "NO_ENCONTRADO": 4, "BAJA": 0}
    valid = {CELLS[0].key: 2, CELLS[1].key: 1, CELLS[2].key: 1, CELLS[4].key: 3}
    found = progress(defined, CELLS, by_status, valid)
    assert (found.ln_total, found.required, found.valid) == (750, 23, 23)
    assert found.by_status == {"EN_LISTA_NOMINAL": 23, "NO_ENCONTRADO": 4}
    assert found.dispersion is not None and found.dispersion.units_met == 3
    assert not found.met  # enough supports, but 3 secciones of the 4 required
    valid[CELLS[4].key] = 4
    assert progress(defined, CELLS, by_status, valid).met


def test_without_a_dispersion_rule_enough_valid_supports_is_met() -> None:
    found = progress(PROCESS, CELLS, {"EN_LISTA_NOMINAL": 23}, {})
    assert found.dispersion is None and found.met
    assert found.as_json() == {
        "required": 23,
        "valid": 23,
        "ln_total": 750,
        "by_status": {"EN_LISTA_NOMINAL": 23},
        "dispersion": None,
        "met": True,
    }
    assert not progress(PROCESS, CELLS, {"EN_LISTA_NOMINAL": 22}, {}).met


def test_a_narrower_territory_counts_only_its_cells() -> None:
    municipal = PROCESS.model_copy(update={"territory": Territory(entidad="26", municipio="001")})
    assert progress(municipal, CELLS, {}, {}).ln_total == 250
