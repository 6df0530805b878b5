"""The reviewers' read routes beside review_http's (role `ople` only): an item's case file,
its images, the audit list of a process's decisions and the institute's overview."""

from dataclasses import dataclass

from starlette.datastructures import QueryParams
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from apoyo_common.access.entries import AccessLog, Purpose, Read
from apoyo_common.codes import Role
from apoyo_common.storage import ObjectNotFound, ObjectStore
from apoyo_common.tokens import Keys
from apoyo_verification.desk.casefile import case_json
from apoyo_verification.desk.ports import Item
from apoyo_verification.desk.service import ReviewDesk
from apoyo_verification.desk.views import decision_json, item_json
from apoyo_verification.hearing.domain import content_type
from apoyo_verification.overview import Overview
from apoyo_verification.review_http import (
    MAX_PAGE,
    BadRequest,
    Endpoint,
    in_reach,
    reviewers_only,
)

IMAGE_HEADERS = {"Cache-Control": "private, no-store", "X-Content-Type-Options": "nosniff"}


def _limit(params: QueryParams, default: int = 50) -> int:
    limit = params.get("limit", str(default))
    if not limit.isdigit() or not 1 <= int(limit) <= MAX_PAGE:
        raise BadRequest(422, "validation_error", f"limit debe ser un entero de 1 a {MAX_PAGE}")
    return int(limit)


@dataclass(frozen=True)
class ReviewReads:
    desk: ReviewDesk
    store: ObjectStore
    overview: Overview
    access: AccessLog

    async def _read(self, reviewer: str, kind: str, item: Item) -> None:
        out = item.outcome
        read = Read(reviewer, Role.OPLE.value, Purpose.REVISION, kind, (out.support_id,),
                    out.process_id, out.aspirant_id)  # fmt: skip
        await self.access.record(read)

    async def case(self, request: Request, reviewer: str) -> Response:
        support_id = request.path_params["support_id"]
        found = await self.desk.item(support_id)
        if found is None:
            raise BadRequest(404, "not_found", "apoyo desconocido")
        in_reach(request, found.outcome.process_id)
        await self._read(reviewer, "review_case", found)
        decoded = (await self.desk.store.inputs([support_id])).get(support_id)
        verifier = self.desk.verifier
        case = await case_json(decoded, verifier.processes, verifier.roll)
        return JSONResponse(item_json(found) | case)

    async def evidence(self, request: Request, reviewer: str) -> Response:
        found = await self.desk.item(request.path_params["support_id"])
        kind = request.path_params["kind"]
        keys = [e.object_key for e in (found.evidence if found else ()) if e.kind == kind]
        if found is None or not keys:
            raise BadRequest(404, "not_found", "el apoyo no tiene esa imagen")
        in_reach(request, found.outcome.process_id)
        await self._read(reviewer, f"evidence/{kind}", found)
        try:
            data = await self.store.get(keys[0])
        except ObjectNotFound:
            raise BadRequest(404, "not_found", "la imagen no está en el almacén") from None
        return Response(data, media_type=content_type(keys[0]), headers=IMAGE_HEADERS)

    async def audit(self, request: Request, reviewer: str) -> Response:
        params = request.query_params
        process_id, before = params.get("process_id"), params.get("before")
        if not process_id:
            raise BadRequest(422, "validation_error", "falta process_id")
        in_reach(request, process_id)
        if before is not None and not before.isdigit():
            raise BadRequest(422, "validation_error", "before debe ser un número de decisión")
        limit = _limit(params)
        found = await self.desk.store.audit(process_id, int(before) if before else None, limit)
        shown = [
            {"number": a.number, "support_id": a.decision.support_id, "aspirant_id": a.aspirant_id}
            | decision_json(a.decision)
            for a in found
        ]
        ids = tuple(a.decision.support_id for a in found)
        kind = "review_decisions"
        read = Read(reviewer, Role.OPLE.value, Purpose.REVISION, kind, ids, process_id)
        await self.access.record(read)
        following = found[-1].number if len(found) == limit else None
        return JSONResponse({"decisions": shown, "next_before": following})

    async def institute(self, request: Request, _: str) -> Response:
        # A token bound to one process sees that process only.
        return JSONResponse(await self.overview.read(request.state.reach.process_id))


def review_read_routes(reads: ReviewReads, secret: Keys) -> list[Route]:
    def route(path: str, endpoint: Endpoint, name: str) -> Route:
        return Route(path, reviewers_only(secret, endpoint), methods=["GET"], name=name)

    one = "/v1/review/items/{support_id}"
    return [
        route(one + "/case", reads.case, "review_case"),
        route(one + "/evidence/{kind}", reads.evidence, "review_evidence"),
        route("/v1/review/decisions", reads.audit, "review_audit"),
        route("/v1/review/overview", reads.institute, "review_overview"),
    ]
