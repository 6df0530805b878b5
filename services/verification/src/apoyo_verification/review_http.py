"""The reviewers' HTTP routes (role `ople` only): the desk's queue, an item, a decision, and
INE's sample. Errors leave as `{"error": CODE, "detail": ...}`, details in Spanish."""

import json
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from apoyo_common.access.entries import AccessLog, Purpose, Read
from apoyo_common.bearer import UNAUTHORIZED, caller, refusal
from apoyo_common.codes import Role
from apoyo_common.roles import institute_in
from apoyo_common.text import NUL_DETAIL, storable
from apoyo_common.tokens import Keys
from apoyo_verification.book import UnknownProcess
from apoyo_verification.desk.decision import InvalidDecision, checked
from apoyo_verification.desk.ports import EmptySample, Item, Proposal, QueueQuery, SampleExists
from apoyo_verification.desk.referral import Cause
from apoyo_verification.desk.sampling import DEFAULT_SIZE
from apoyo_verification.desk.service import (
    AlreadyDecided,
    Ask,
    NotOnDesk,
    ReviewDesk,
    SameReviewer,
)
from apoyo_verification.desk.views import item_json, sample_json
from apoyo_verification.ports import UnknownCut

Endpoint = Callable[[Request, str], Awaitable[Response]]
MAX_PAGE = 200
MAX_NOTE = 4000


class BadRequest(Exception):
    def __init__(self, status: int, code: str, detail: str) -> None:
        super().__init__(detail)
        self.status, self.code, self.detail = status, code, detail


def reviewers_only(secret: Keys, endpoint: Endpoint) -> Callable[[Request], Awaitable[Response]]:
    """401 without a valid token, 403 for any role but `ople`; the subject is the reviewer."""

    async def guarded(request: Request) -> Response:
        principal = caller(request, secret)
        if principal is None:
            return refusal(*UNAUTHORIZED)
        if principal.role is not Role.OPLE:
            return refusal(403, "forbidden", "solo el personal del instituto revisa apoyos")
        request.state.reach = principal  # what in_reach() checks once the process is known
        try:
            return await endpoint(request, principal.subject)
        except BadRequest as bad:
            return refusal(bad.status, bad.code, bad.detail)
        except tuple(REFUSALS) as known:
            status, code, detail = REFUSALS[type(known)]
            return refusal(status, code, detail or str(known))

    return guarded


def in_reach(request: Request, process_id: str) -> None:
    """403 when the reviewer's token names another process (apoyo_common.roles)."""
    if not institute_in(request.state.reach, process_id):
        raise BadRequest(403, "forbidden", "el token del instituto es de otro proceso")


def _queue_query(params: Any) -> QueueQuery:
    process_id = params.get("process_id")
    if not process_id:
        raise BadRequest(422, "validation_error", "falta process_id")
    cause = params.get("cause")
    if cause is not None and cause not in Cause.__members__:
        raise BadRequest(422, "validation_error", "cause debe ser uno de: " + ", ".join(Cause))
    limit = params.get("limit", "50")
    if not limit.isdigit() or not 1 <= int(limit) <= MAX_PAGE:
        raise BadRequest(422, "validation_error", f"limit debe ser un entero de 1 a {MAX_PAGE}")
    aspirant = params.get("aspirant_id") or None
    after = params.get("after", "")
    return QueueQuery(process_id, aspirant, Cause(cause) if cause else None, after, int(limit))


async def _body(request: Request) -> dict[str, Any]:
    try:
        body = json.loads(await request.body())
    except (ValueError, UnicodeDecodeError):
        raise BadRequest(400, "bad_request", "el cuerpo no es JSON válido") from None
    if not isinstance(body, dict):
        raise BadRequest(422, "validation_error", "el cuerpo debe ser un objeto JSON")
    return body


def _text(body: dict[str, Any], name: str, limit: int = MAX_NOTE) -> str | None:
    value = body.get(name)
    if value is not None and (not isinstance(value, str) or len(value) > limit):
        raise BadRequest(422, "validation_error", f"{name} debe ser texto de hasta {limit}")
    if value is not None and not storable(value):
        raise BadRequest(422, "validation_error", f"{name}: {NUL_DETAIL}")
    return value


def _int(body: dict[str, Any], name: str, default: int | None) -> int | None:
    value = body.get(name, default)
    if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
        raise BadRequest(422, "validation_error", f"{name} debe ser un entero")
    if value is not None and not 0 <= value < 2**53:
        raise BadRequest(422, "validation_error", f"{name} fuera de rango")
    return value


# What the desk raises, as the reviewer is told (InvalidDecision carries its own detail).
REFUSALS: dict[type[Exception], tuple[int, str, str]] = {
    InvalidDecision: (422, "validation_error", ""),
    NotOnDesk: (404, "not_found", "el apoyo no está en la mesa de control"),
    AlreadyDecided: (409, "conflict", "el apoyo ya fue decidido"),
    SameReviewer: (409, "same_reviewer", "otra persona debe confirmar este rechazo"),
    SampleExists: (409, "conflict", "ya hay una muestra de ese aspirante"),
    EmptySample: (422, "validation_error", "el aspirante no tiene apoyos contados"),
    # A VALIDO is judged again against the process's cut: both must be there.
    UnknownProcess: (409, "conflict", "la verificación no conoce el proceso del apoyo"),
    UnknownCut: (409, "conflict", "el corte de la lista nominal del proceso no está cargado"),
}


class ReviewEndpoints:
    def __init__(self, desk: ReviewDesk, nudge: Callable[[], None], access: AccessLog) -> None:
        self.desk, self.nudge, self.access = desk, nudge, access

    async def _read(self, reviewer: str, kind: str, *support_ids: str, **scope: str) -> None:
        read = Read(reviewer, Role.OPLE.value, Purpose.REVISION, kind, support_ids,
                    scope.get("process_id"), scope.get("aspirant_id"))  # fmt: skip
        await self.access.record(read)

    async def queue(self, request: Request, reviewer: str) -> Response:
        query = _queue_query(request.query_params)
        in_reach(request, query.process_id)
        items = await self.desk.queue(query)
        ids = [i.outcome.support_id for i in items]
        await self._read(reviewer, "review_queue", *ids, process_id=query.process_id)
        after = items[-1].outcome.support_id if len(items) == query.limit else None
        shown = {"items": [item_json(i) for i in items], "next_after": after}
        # The reviewer's own subject: the page skips the rejections it proposed itself.
        return JSONResponse(shown | {"reviewer": reviewer})

    async def _item(self, request: Request) -> Item:
        found = await self.desk.item(request.path_params["support_id"])
        if found is None:
            raise BadRequest(404, "not_found", "apoyo desconocido")
        in_reach(request, found.outcome.process_id)
        return found

    async def item(self, request: Request, reviewer: str) -> Response:
        found = await self._item(request)
        out = found.outcome
        scope = {"process_id": out.process_id, "aspirant_id": out.aspirant_id}
        await self._read(reviewer, "review_item", out.support_id, **scope)
        return JSONResponse(item_json(found))

    async def decide(self, request: Request, reviewer: str) -> Response:
        await self._item(request)
        support_id, body = request.path_params["support_id"], await _body(request)
        ruling, reason = checked(str(body.get("decision")), _text(body, "reason", 64))
        ask = Ask(ruling, reason, _text(body, "note") or "", reviewer)
        if isinstance(await self.desk.rule(support_id, ask), Proposal):
            answer = await self.item(request, reviewer)  # waits for a second reviewer
            answer.status_code = 202
            return answer
        self.nudge()  # the revision is in the outbox: publish it now, not at the next tick
        return await self.item(request, reviewer)

    async def draw(self, request: Request, reviewer: str) -> Response:
        body = await _body(request)
        process_id, aspirant_id = _text(body, "process_id", 200), _text(body, "aspirant_id", 200)
        size, seed = _int(body, "size", DEFAULT_SIZE), _int(body, "seed", None)
        if not process_id or not aspirant_id or not size:
            raise BadRequest(422, "validation_error", "faltan process_id, aspirant_id o size")
        in_reach(request, process_id)
        sample = await self.desk.draw_sample(process_id, aspirant_id, size, seed, reviewer)
        return JSONResponse(sample_json(sample), status_code=201)

    async def sample(self, request: Request, _: str) -> Response:
        p = request.path_params
        in_reach(request, p["process_id"])
        found = await self.desk.store.sample(p["process_id"], p["aspirant_id"])
        if found is None:
            raise BadRequest(404, "not_found", "no hay muestra de ese aspirante")
        return JSONResponse(sample_json(found))


def review_routes(
    desk: ReviewDesk, secret: Keys, nudge: Callable[[], None], access: AccessLog
) -> list[Route]:
    ends = ReviewEndpoints(desk, nudge, access)

    def route(path: str, endpoint: Endpoint, method: str, name: str) -> Route:
        return Route(path, reviewers_only(secret, endpoint), methods=[method], name=name)

    return [
        route("/v1/review/queue", ends.queue, "GET", "review_queue"),
        route("/v1/review/items/{support_id}", ends.item, "GET", "review_item"),
        route("/v1/review/items/{support_id}/decision", ends.decide, "POST", "review_decision"),
        route("/v1/review/samples", ends.draw, "POST", "review_sample_draw"),
        route("/v1/review/samples/{process_id}/{aspirant_id}", ends.sample, "GET", "review_sample"),
    ]
