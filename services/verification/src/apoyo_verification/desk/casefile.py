"""What the reviewer compares beside the pictures: the fields typed on the form, what was read
off the card (MRZ, bar codes, each typed field against the card) and the voter-roll record the
support's keys find in its process's cut, looked up again the way verification judges."""

from typing import Any

from apoyo_common.messages import IdentityDecoded
from apoyo_verification.book import Processes
from apoyo_verification.lookup import find_records
from apoyo_verification.ports import UnknownCut, VoterRoll
from apoyo_verification.roll.rows import RollRow

TYPED = ("apellido_paterno", "apellido_materno", "nombre", "clave_elector", "ocr", "cic")
TYPED_TOO = ("emision", "seccion")


def record_json(row: RollRow) -> dict[str, Any]:
    fields = row._asdict()
    fields["ocr"] = row.ocr
    fields["fecha_nacimiento"] = row.fecha_nacimiento.isoformat()
    fields["situacion"] = row.situacion.value
    fields["causa_baja"] = None if row.causa_baja is None else row.causa_baja.value
    return fields


def read_json(decoded: IdentityDecoded) -> dict[str, Any]:
    mrz = decoded.mrz
    return {
        "mrz": None if mrz is None else mrz.model_dump(mode="json", exclude={"lines"}),
        "barcodes": [{"kind": b.kind, "format": b.format} for b in decoded.barcodes],
        "checks": [c.model_dump(mode="json") for c in decoded.checks],
        "flags": list(decoded.flags),
    }


async def case_json(
    decoded: IdentityDecoded | None, processes: Processes, roll: VoterRoll
) -> dict[str, Any]:
    """The case file of one support; all null for a support recorded without its input."""
    if decoded is None:
        return {"typed": None, "read": None, "record": None}
    typed = decoded.form.model_dump(mode="json", include={*TYPED, *TYPED_TOO})
    return {
        "typed": typed,
        "read": read_json(decoded),
        "record": await _record(decoded, processes, roll),
    }


async def _record(
    decoded: IdentityDecoded, processes: Processes, roll: VoterRoll
) -> dict[str, Any] | None:
    process = await processes.get(decoded.process_id)
    if process is None:
        return None
    try:
        found = (await find_records(roll, process.cut, [decoded])).get(decoded.support_id)
    except UnknownCut:
        return None
    if found is None:
        return None
    return {"cut": process.cut.isoformat(), "path": found.path.value, **record_json(found.record)}
