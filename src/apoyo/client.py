"""An HTTP client for the capture API, used by the demo and the end-to-end tests."""

import json
from dataclasses import dataclass
from datetime import UTC, datetime

import httpx

from apoyo.synthetic import credential, photos
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


def support_files(
    person: Citizen, photo_seed: int | None = None
) -> dict[str, tuple[str, bytes, str]]:
    """The three files of a support; with a seed, the card sides as phone photos."""
    front, back = credential.front(person), credential.back(person)
    if photo_seed is not None:
        front = photos.phone_photo(front, level=1, seed=photo_seed)
        back = photos.phone_photo(back, level=1, seed=photo_seed + 1)
    return {
        "credential_front": ("front.jpg", front, "image/jpeg"),
        "credential_back": ("back.jpg", back, "image/jpeg"),
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
