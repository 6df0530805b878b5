"""An HTTP client for the capture API, used by the demo and the end-to-end tests."""

import json
from dataclasses import dataclass
from datetime import UTC, datetime

import httpx

from apoyo.synthetic import credential
from apoyo.synthetic.people import Citizen


def support_data(person: Citizen, process_id: str, aspirant_id: str) -> dict[str, object]:
    return {
        "process_id": process_id,
        "aspirant_id": aspirant_id,
        "channel": "AUXILIAR",
        "apellido_paterno": person.apellido_paterno,
        "apellido_materno": person.apellido_materno,
        "nombre": person.nombre,
        "clave_elector": person.clave_elector,
        "ocr": person.ocr,
        "cic": person.cic,
        "emision": person.emision,
        "seccion": person.seccion,
        "captured_at": datetime.now(UTC).isoformat(),
        "consent": True,
    }


def support_files(person: Citizen) -> dict[str, tuple[str, bytes, str]]:
    return {
        "credential_front": ("front.jpg", credential.front(person), "image/jpeg"),
        "credential_back": ("back.jpg", credential.back(person), "image/jpeg"),
        "signature": ("firma.png", credential.signature(person), "image/png"),
    }


@dataclass(frozen=True)
class Posted:
    status: int
    body: dict[str, object]


async def post_support(
    client: httpx.AsyncClient,
    token: str,
    key: str,
    data: dict[str, object],
    files: dict[str, tuple[str, bytes, str]],
) -> Posted:
    response = await client.post(
        "/v1/supports",
        headers={"Authorization": f"Bearer {token}", "Idempotency-Key": key},
        data={"data": json.dumps(data)},
        files=files,
    )
    return Posted(response.status_code, response.json())
