"""A synthetic voter-roll cut in the file format of interfaces.md §4, and a process for it."""

import csv
import io
from datetime import date

from apoyo.synthetic.people import Citizen
from apoyo_verification.roll.rows import COLUMNS


def roll_row(person: Citizen) -> dict[str, str]:
    return {
        "cic": person.cic,
        "identificador": person.identificador,
        "clave_elector": person.clave_elector,
        "emision": person.emision,
        "curp": person.curp,
        "apellido_paterno": person.apellido_paterno,
        "apellido_materno": person.apellido_materno,
        "nombre": person.nombre,
        "fecha_nacimiento": person.fecha_nacimiento.isoformat(),
        "sexo": person.sexo,
        "entidad": "26",
        "distrito_federal": "03",
        "distrito_local": "11",
        "municipio": person.municipio,
        "seccion": person.seccion,
        "vigencia": "2033",
        "situacion": "LN",
        "causa_baja": "",
    }


def roll_csv(people: list[Citizen]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(roll_row(p) for p in people)
    return buffer.getvalue()


def demo_process(cut: date, process_id: str = "gub-son-2027") -> dict[str, object]:
    return {
        "id": process_id,
        "name": "Gubernatura de Sonora 2027 (demostración)",
        "office": "GUBERNATURA",
        "territory": {"entidad": "26"},
        "cut": cut.isoformat(),
        "threshold_pct": 3.0,
        "dispersion": {"unit": "municipio", "min_units": "half", "pct_per_unit": 1.0},
        "capture": {"start": "2026-12-15T00:00:00-07:00", "end": "2027-01-23T23:59:59-07:00"},
        "require_selfie": False,
        "aspirants": [
            {"id": "asp-01", "name": "Aspirante Uno (sintético)"},
            {"id": "asp-02", "name": "Aspirante Dos (sintético)"},
        ],
    }
