"""Verification's HTTP route: an aspirant's progress (interfaces.md §5).

Errors leave as `{"error": CODE, "detail": ...}`; the details are for people, in Spanish.
"""

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from apoyo_common.bearer import UNAUTHORIZED, caller, refusal
from apoyo_common.tokens import Keys
from apoyo_verification.progress import NotFound, ProgressReader, may_see

PROGRESS_PATH = "/v1/processes/{process_id}/aspirants/{aspirant_id}/progress"


def progress_route(reader: ProgressReader, token_secret: Keys) -> Route:
    async def endpoint(request: Request) -> Response:
        principal = caller(request, token_secret)
        if principal is None:
            return refusal(*UNAUTHORIZED)
        process_id = request.path_params["process_id"]
        aspirant_id = request.path_params["aspirant_id"]
        if not may_see(principal, process_id, aspirant_id):
            return refusal(403, "forbidden", "este token no puede ver el avance de ese aspirante")
        try:
            found = await reader.read(process_id, aspirant_id)
        except NotFound as missing:
            return refusal(404, "not_found", str(missing))
        return JSONResponse(found.as_json())

    return Route(PROGRESS_PATH, endpoint, methods=["GET"], name="aspirant_progress")
