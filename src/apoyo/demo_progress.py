"""The demo's last table: each aspirant's progress as `GET .../progress` answers it."""

from typing import Any

import httpx
from rich.table import Table

from apoyo import admin
from apoyo_common.codes import Role
from apoyo_common.settings import Settings

UNITS = {
    "entidad": "entidades",
    "distrito_federal": "distritos federales",
    "distrito_local": "distritos locales",
    "municipio": "municipios",
    "seccion": "secciones",
}


async def fetch_progress(
    client: httpx.AsyncClient, settings: Settings, process: dict[str, Any]
) -> dict[str, dict[str, Any]]:
    """The progress of every aspirant of the process, read with an institute token."""
    token = admin.issue_token(settings, Role.OPLE, None, None, "10m", "ople-demo")
    found = {}
    for aspirant in process["aspirants"]:
        path = f"/v1/processes/{process['id']}/aspirants/{aspirant['id']}/progress"
        answer = await client.get(path, headers={"Authorization": f"Bearer {token}"})
        answer.raise_for_status()
        found[aspirant["id"]] = answer.json()
    return found


def dispersion_text(spread: dict[str, Any] | None) -> str:
    if spread is None:
        return "sin regla"
    unit = UNITS.get(spread["unit"], spread["unit"])
    return f"{unit}: {spread['units_met']} cumplen, se requieren {spread['units_required']}"


def progress_table(progress: dict[str, dict[str, Any]]) -> Table:
    table = Table(title="Avance por aspirante")
    table.add_column("aspirante")
    for column in ("requeridos", "válidos", "lista nominal"):
        table.add_column(column, justify="right")
    table.add_column("dispersión")
    table.add_column("cumple")
    for aspirant, found in progress.items():
        table.add_row(
            aspirant,
            f"{found['required']:,}",
            f"{found['valid']:,}",
            f"{found['ln_total']:,}",
            dispersion_text(found["dispersion"]),
            "sí" if found["met"] else "no",
        )
    return table


def status_table(progress: dict[str, dict[str, Any]]) -> Table:
    """Apoyos per status (rows) and aspirant (columns)."""
    table = Table(title="Apoyos por estado y aspirante")
    table.add_column("estado")
    for aspirant in progress:
        table.add_column(aspirant, justify="right")
    codes = sorted({code for found in progress.values() for code in found["by_status"]})
    for code in codes:
        counts = [str(found["by_status"].get(code, 0)) for found in progress.values()]
        table.add_row(code, *counts)
    return table
