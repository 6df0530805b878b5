"""The JSON bodies of the inquiry's routes, checked: a clave de elector in its one form, an
address, short strings; anything else a clear refusal."""

import json
import re

from starlette.requests import Request

from apoyo_common.text import storable
from apoyo_verification.inquiry.domain import NOTE_MAX, clave_of

MAX_BODY = 16 * 1024
_EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]{1,190}\.[^@\s]{2,}$")
_LIMITS = {"support_id": 64, "code": 6, "email": 254, "note": NOTE_MAX}


class BadBody(ValueError):
    def __init__(self, status: int, code: str, detail: str) -> None:
        super().__init__(detail)
        self.status, self.code = status, code


async def read_body(
    request: Request, required: tuple[str, ...], optional: tuple[str, ...]
) -> dict[str, str]:
    raw = await request.body()
    if len(raw) > MAX_BODY:
        raise BadBody(413, "payload_too_large", "el cuerpo admite a lo más 16 KiB")
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise BadBody(400, "invalid_json", "el cuerpo debe ser JSON") from None
    if not isinstance(data, dict):
        raise BadBody(422, "invalid_body", "el cuerpo debe ser un objeto JSON")
    fields = {k: v for k, v in data.items() if k in required + optional and v not in (None, "")}
    missing = [k for k in required if k not in fields]
    if missing:
        raise BadBody(422, "missing_field", "faltan campos: " + ", ".join(missing))
    for name, value in fields.items():
        too_long = not isinstance(value, str) or len(value) > _LIMITS.get(name, 64)
        if too_long or not storable(value):
            raise BadBody(422, f"invalid_{name}", f"{name} no es válido")
    return _checked(fields)


def _checked(fields: dict[str, str]) -> dict[str, str]:
    clave = clave_of(fields["clave_elector"])
    if clave is None:
        raise BadBody(422, "invalid_clave_elector", "la clave de elector tiene 18 caracteres")
    if "email" in fields and not _EMAIL.match(fields["email"].strip()):
        raise BadBody(422, "invalid_email", "el correo no es válido")
    return {**fields, "clave_elector": clave}
