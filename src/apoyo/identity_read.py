"""`apoyo identity read IMAGE...`: one JSON line per image (interfaces.md §7)."""

import json
from pathlib import Path
from typing import Any

from apoyo_identity.analysis import analyse_image
from apoyo_identity.domain import barcode, mrz_fields
from apoyo_identity.findings import ImageFindings


def as_json(name: str, found: ImageFindings) -> dict[str, Any]:
    mrz = None if found.mrz is None else mrz_fields(found.mrz).model_dump(mode="json")
    flags = list(found.flags) + ([] if found.mrz or found.unreadable else ["NO_MRZ"])
    return {
        "image": name,
        "mrz": mrz,
        "barcodes": [barcode(code).model_dump(mode="json") for code in found.barcodes],
        "flags": flags,
        "ms": round(found.ms, 1),
    }


def read_images(paths: list[Path]) -> list[str]:
    lines = []
    for path in paths:
        found = analyse_image(path.read_bytes(), "credential_back")
        lines.append(json.dumps(as_json(path.name, found), ensure_ascii=False))
    return lines
