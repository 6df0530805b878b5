"""The inquiry's routes: see one's supports with a receipt or an e-mailed code, report one.

Nothing here tells a caller more than "these codes open these supports": every refusal of a
clave and code is the same 404, after the same reads and no sooner than `floor_s`. Rate
limits per client address and per clave (as its keyed hash) come first.
"""

import asyncio
import math
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from apoyo_common.access.entries import AccessLog, Purpose, Read
from apoyo_common.bearer import refusal
from apoyo_common.codes import Role
from apoyo_common.ratelimit import TokenBuckets
from apoyo_verification.hearing.service import DeskUnavailable
from apoyo_verification.inquiry.body import BadBody, read_body
from apoyo_verification.inquiry.domain import clave_hmac
from apoyo_verification.inquiry.service import Inquiry, Seen

NOTHING = "No encontramos apoyos con esos datos. Revise su clave de elector y el código."
CODE_SENT = (
    "Si ese correo se dio con un apoyo registrado con su clave, le enviamos un código de seis "
    "dígitos; vence en 30 minutos."
)
REPORTED = (
    "Recibimos su reporte. La mesa de control del Instituto revisará este apoyo como posible "
    "suplantación de identidad."
)


@dataclass
class InquiryRoutes:
    inquiry: Inquiry
    by_ip: TokenBuckets
    by_clave: TokenBuckets
    access: AccessLog  # each inquiry that shows supports is recorded here
    floor_s: float = 0.4
    echo_codes: bool = False  # demo and tests only

    def _limited(self, request: Request, clave: str | None = None) -> Response | None:
        """The address's bucket (before the body is read, so floods of bad bodies count too),
        or with a clave that clave's bucket."""
        if clave is None:
            ip = request.client.host if request.client else "desconocida"
            wait = self.by_ip.take("ip:" + ip)
        else:
            wait = self.by_clave.take(clave_hmac(self.inquiry.token_secret, clave))
        if not wait:
            return None
        answer = refusal(429, "too_many_requests", "demasiadas solicitudes; intente más tarde")
        answer.headers["Retry-After"] = str(max(1, math.ceil(wait)))
        return answer

    async def _steady(self, started: float) -> None:
        await asyncio.sleep(max(0.0, self.floor_s - (time.monotonic() - started)))

    async def look(self, request: Request) -> Response:
        started = time.monotonic()
        if (limited := self._limited(request)) is not None:
            return limited
        body = await read_body(request, ("clave_elector",), ("support_id", "code"))
        if "support_id" not in body and "code" not in body:
            return refusal(422, "missing_field", "falta el folio (support_id) o el código (code)")
        if (limited := self._limited(request, body["clave_elector"])) is not None:
            return limited
        clave = body["clave_elector"]
        if body.get("support_id"):
            seen = await self.inquiry.by_receipt(clave, body["support_id"])
        else:
            seen = await self.inquiry.by_code(clave, body.get("code", ""))
        await self._steady(started)
        if seen is None:
            return refusal(404, "not_found", NOTHING)
        ids = tuple(s.support_id for s in seen.supports)
        read = Read(seen.subject, Role.CITIZEN.value, Purpose.CONSULTA, "inquiry", ids)
        await self.access.record(read)
        return JSONResponse(seen_json(seen))

    async def request_code(self, request: Request) -> Response:
        started = time.monotonic()
        if (limited := self._limited(request)) is not None:
            return limited
        body = await read_body(request, ("clave_elector", "email"), ())
        if (limited := self._limited(request, body["clave_elector"])) is not None:
            return limited
        code = await self.inquiry.request_code(body["clave_elector"], body["email"])
        await self._steady(started)
        answer: dict[str, Any] = {"detail": CODE_SENT}
        if self.echo_codes and code is not None:
            answer["code"] = code
        return JSONResponse(answer, status_code=202)

    async def report(self, request: Request) -> Response:
        if (limited := self._limited(request)) is not None:
            return limited
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        body = await read_body(request, ("clave_elector", "support_id"), ("note",))
        if scheme.lower() != "bearer":
            return refusal(401, "unauthorized", "falta el token de la consulta")
        try:
            taken = await self.inquiry.report(
                token.strip(), body["clave_elector"], body["support_id"], body.get("note", "")
            )
        except DeskUnavailable:
            return refusal(503, "desk_unavailable", "no pudimos recibir su reporte; reintente")
        if taken is None:
            return refusal(404, "not_found", NOTHING)
        return JSONResponse({"detail": REPORTED}, status_code=201 if taken else 200)


def seen_json(seen: Seen) -> dict[str, Any]:
    def named(process_id: str, aspirant_id: str) -> tuple[str, str]:
        process = seen.processes.get(process_id)
        if process is None:
            return process_id, aspirant_id
        names = {a.id: a.name for a in process.aspirants}
        return process.name, names.get(aspirant_id, aspirant_id)

    supports = []
    for s in seen.supports:
        process, aspirant = named(s.process_id, s.aspirant_id)
        supports.append({
            "support_id": s.support_id, "process": process, "aspirant": aspirant,
            "received_at": s.received_at.isoformat(), "channel": s.channel,
            "status": s.status.value,
        })  # fmt: skip
    return {"supports": supports, "token": seen.token}


def refusing(handler: Callable[[Request], Awaitable[Response]]) -> Callable[..., Any]:
    async def endpoint(request: Request) -> Response:
        try:
            return await handler(request)
        except BadBody as bad:
            return refusal(bad.status, bad.code, str(bad))

    return endpoint


def inquiry_routes(routes: InquiryRoutes) -> list[BaseRoute]:
    return [
        Route("/v1/lookup", refusing(routes.look), methods=["POST"], name="lookup"),
        Route("/v1/lookup/codes", refusing(routes.request_code), methods=["POST"]),
        Route("/v1/lookup/reports", refusing(routes.report), methods=["POST"]),
    ]
