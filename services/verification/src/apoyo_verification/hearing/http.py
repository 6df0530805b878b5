"""The hearing's routes: the list, one image, a contest (docs/hearing.md).

Only the institute and the aspirant itself (its token bound to the process) get past the
first check, before anything is read: another aspirant learns nothing, not even whether a
support exists. Errors are `{"error", "detail"}` with the detail in Spanish.
"""

import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from apoyo_common.access.entries import AccessLog, Purpose, Read
from apoyo_common.bearer import UNAUTHORIZED, caller, refusal
from apoyo_common.codes import EvidenceKind
from apoyo_common.paging import BadPage
from apoyo_common.text import NUL_DETAIL, storable
from apoyo_common.tokens import Keys, Principal
from apoyo_verification.book import Processes
from apoyo_verification.hearing.domain import argument_problem
from apoyo_verification.hearing.query import query_of
from apoyo_verification.hearing.service import (
    AlreadyContested,
    DeskUnavailable,
    Hearing,
    NotHeard,
)
from apoyo_verification.hearing.views import HEARING_PATH, heard_json
from apoyo_verification.progress import may_see

MAX_BODY = 64 * 1024
Endpoint = Callable[[Request], Awaitable[Response]]
NOT_YOURS = "este token no puede ver la audiencia de ese aspirante"


def _gone() -> Response:
    return refusal(404, "not_found", "ese apoyo no está entre los que no cuentan del aspirante")


class Refusal(Exception):
    def __init__(self, response: Response) -> None:
        self.response = response


@dataclass(frozen=True)
class HearingRoutes:
    hearing: Hearing
    processes: Processes
    token_secret: Keys  # the token keyring (or one secret)
    access: AccessLog  # each page and image read is recorded here

    async def _allowed(self, request: Request) -> tuple[str, str, Principal]:
        """Process, aspirant and the token's principal, or a Refusal (401, 403, 404)."""
        principal = caller(request, self.token_secret)
        if principal is None:
            raise Refusal(refusal(*UNAUTHORIZED))
        process_id, aspirant_id = (request.path_params[k] for k in ("process_id", "aspirant_id"))
        if not may_see(principal, process_id, aspirant_id):
            raise Refusal(refusal(403, "forbidden", NOT_YOURS))
        process = await self.processes.get(process_id)
        if process is None or not process.has_aspirant(aspirant_id):
            raise Refusal(refusal(404, "not_found", "proceso o aspirante desconocido"))
        return process_id, aspirant_id, principal

    async def listing(self, request: Request) -> Response:
        process_id, aspirant_id, principal = await self._allowed(request)
        try:
            query = query_of(process_id, aspirant_id, request.query_params)
        except BadPage as bad:
            return refusal(422, bad.code, bad.detail)
        found = await self.hearing.page(query)
        following = found[-1].cursor.encode() if len(found) == query.limit else None
        supports = [heard_json(h, process_id, aspirant_id) for h in found]
        ids = [s["support_id"] for s in supports]
        scope = {"process_id": process_id, "aspirant_id": aspirant_id}
        await self.access.record(Read.by(principal, Purpose.AUDIENCIA, "hearing", *ids, **scope))
        return JSONResponse({"supports": supports, "next": following})

    async def evidence(self, request: Request) -> Response:
        process_id, aspirant_id, principal = await self._allowed(request)
        kind = request.path_params["kind"]
        if kind not in {k.value for k in EvidenceKind}:
            return _gone()
        try:
            data, media = await self.hearing.evidence(
                process_id, aspirant_id, request.path_params["support_id"], EvidenceKind(kind)
            )
        except NotHeard:
            return _gone()
        support_id = request.path_params["support_id"]
        scope = {"process_id": process_id, "aspirant_id": aspirant_id}
        read = Read.by(principal, Purpose.AUDIENCIA, f"evidence/{kind}", support_id, **scope)
        await self.access.record(read)
        headers = {"Cache-Control": "private, no-store", "X-Content-Type-Options": "nosniff"}
        return Response(data, media_type=media, headers=headers)

    async def contest(self, request: Request) -> Response:
        process_id, aspirant_id, principal = await self._allowed(request)
        argument = await _argument(request)
        try:
            heard = await self.hearing.contest(
                process_id,
                aspirant_id,
                request.path_params["support_id"],
                argument,
                principal.subject,
            )
        except NotHeard:
            return _gone()
        except AlreadyContested:
            return refusal(409, "already_contested", "ese apoyo ya tiene una impugnación")
        except DeskUnavailable:
            return refusal(503, "desk_unavailable", "la mesa de control no respondió; reintente")
        scope = {"process_id": process_id, "aspirant_id": aspirant_id}
        read = Read.by(principal, Purpose.AUDIENCIA, "hearing", heard.support_id, **scope)
        await self.access.record(read)  # the answer shows the support as the listing does
        return JSONResponse(heard_json(heard, process_id, aspirant_id), status_code=201)


async def _argument(request: Request) -> str:
    body = await request.body()
    if len(body) > MAX_BODY:
        raise Refusal(refusal(413, "payload_too_large", "el cuerpo admite a lo más 64 KiB"))
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise Refusal(refusal(400, "invalid_json", "el cuerpo debe ser JSON")) from None
    argument = data.get("argument") if isinstance(data, dict) else None
    if not isinstance(argument, str):
        raise Refusal(refusal(422, "invalid_argument", "falta el campo argument (texto)"))
    if not storable(argument):
        raise Refusal(refusal(422, "invalid_argument", NUL_DETAIL))
    problem = argument_problem(argument)
    if problem is not None:
        raise Refusal(refusal(422, "invalid_argument", problem))
    return argument


def refusing(handler: Endpoint) -> Endpoint:
    async def endpoint(request: Request) -> Response:
        try:
            response: Response = await handler(request)
        except Refusal as refused:
            return refused.response
        return response

    return endpoint


def hearing_routes(routes: HearingRoutes) -> list[BaseRoute]:
    one = HEARING_PATH + "/{support_id}"
    return [
        Route(HEARING_PATH, refusing(routes.listing), methods=["GET"], name="hearing"),
        Route(one + "/evidence/{kind}", refusing(routes.evidence), methods=["GET"]),
        Route(one + "/contest", refusing(routes.contest), methods=["POST"]),
    ]
