"""The CSV views of the records: `supports.csv` (every record) and `hearing.csv` (the supports
that do not count, for the garantía de audiencia). Lists join with `|`; a missing value is an
empty cell."""

import csv
import io
from typing import Any

from apoyo_export.records import FORM_FIELDS, KINDS, REGISTRY_FIELDS

ID_FIELDS = ("seq", "support_id", "process_id", "aspirant_id", "channel", "received_at")
SUPPORTS_HEADER = (
    *ID_FIELDS,
    "status",
    "reasons",
    *FORM_FIELDS,
    *(f"registry_{name}" for name in REGISTRY_FIELDS),
    *(f"{kind}_sha256" for kind in KINDS),
    "certificate_sha256",
    "chain",
)
# Packages made before records carried the roll's cell: the verifier still reads them.
UNPLACED_HEADER = tuple(name for name in SUPPORTS_HEADER if not name.startswith("registry_"))
HEARING_HEADER = (
    "seq",
    "support_id",
    "received_at",
    "status",
    "reasons",
    *(f"{kind}_path" for kind in KINDS),
    "certificate_path",
)


def _cell(value: Any) -> str:
    return "" if value is None else str(value)


def _by_kind(record: dict[str, Any], field: str) -> dict[str, str]:
    return {e["kind"]: e[field] for e in record["evidence"]}


def _registry(record: dict[str, Any]) -> list[str]:
    if "registry" not in record:  # a package from before records carried it
        return []
    return [_cell(record["registry"].get(name)) for name in REGISTRY_FIELDS]


def supports_row(record: dict[str, Any]) -> list[str]:
    hashes = _by_kind(record, "sha256")
    return [
        *(_cell(record[name]) for name in ID_FIELDS),
        record["status"],
        "|".join(record["reasons"]),
        *(_cell(record["form"].get(name)) for name in FORM_FIELDS),
        *_registry(record),
        *(hashes.get(kind, "") for kind in KINDS),
        _cell(record["certificate_sha256"]),
        record["chain"],
    ]


def hearing_row(record: dict[str, Any], certificate_path: str | None) -> list[str]:
    paths = _by_kind(record, "path")
    return [
        str(record["seq"]),
        record["support_id"],
        record["received_at"],
        record["status"],
        "|".join(record["reasons"]),
        *(paths.get(kind, "") for kind in KINDS),
        _cell(certificate_path),
    ]


def csv_line(row: list[str] | tuple[str, ...]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow(row)
    return buffer.getvalue()
