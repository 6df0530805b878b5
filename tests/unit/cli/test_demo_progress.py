"""The demo's progress tables, in Spanish."""

from rich.console import Console

from apoyo.demo_progress import dispersion_text, progress_table, status_table

PROGRESS = {
    "asp-01": {
        "required": 2,
        "valid": 40,
        "ln_total": 60,
        "by_status": {"EN_LISTA_NOMINAL": 40, "DUPLICADO_OTRO_ASPIRANTE": 1},
        "dispersion": {"unit": "municipio", "units_met": 26, "units_required": 19},
        "met": True,
    },
    "asp-02": {
        "required": 2,
        "valid": 1,
        "ln_total": 60,
        "by_status": {"EN_LISTA_NOMINAL": 1},
        "dispersion": None,
        "met": False,
    },
}


def rendered(table: object) -> str:
    console = Console(width=160, record=True)
    console.print(table)
    return console.export_text()


def test_each_aspirant_has_a_row_with_its_threshold_and_dispersion() -> None:
    text = rendered(progress_table(PROGRESS))
    assert "municipios: 26 cumplen, se requieren 19" in text and "sin regla" in text
    assert "asp-01" in text and " sí " in text and " no " in text


def test_statuses_are_rows_and_aspirants_columns() -> None:
    text = rendered(status_table(PROGRESS))
    assert "DUPLICADO_OTRO_ASPIRANTE │      1 │      0" in text


def test_unknown_units_are_named_as_they_come() -> None:
    spread = {"unit": "otro", "units_met": 1, "units_required": 2}
    assert dispersion_text(spread) == "otro: 1 cumplen, se requieren 2"
