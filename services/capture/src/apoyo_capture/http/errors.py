"""Every error leaves as JSON `{"error": CODE, "detail": ...}` with the right status."""

from typing import Any

from asyncpg.exceptions import CharacterNotInRepertoireError
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException
from starlette.responses import JSONResponse

from apoyo_capture.refusals import Refused
from apoyo_common.delivery import describe
from apoyo_common.logs import get_logger
from apoyo_common.outages import OUTAGE_KINDS, is_outage
from apoyo_common.text import NUL_DETAIL

log = get_logger(__name__)

_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "validation_error",
    429: "too_many_requests",
}
# Not "it was not stored": a commit whose answer the lost connection swallowed may have
# stored it. The same key again gives the stored support, or stores it now.
UNAVAILABLE = (
    "servicio no disponible por el momento; envíe el apoyo de nuevo con la misma Idempotency-Key"
)


def error(
    status: int, code: str, detail: Any, headers: dict[str, str] | None = None
) -> JSONResponse:
    return JSONResponse({"error": code, "detail": detail}, status_code=status, headers=headers)


async def unexpected(_: Request, exc: Exception) -> JSONResponse:
    if is_outage(exc):  # PostgreSQL or the object store is out: try again shortly
        log.warning("dependency_unavailable", error=describe(exc))
        return error(503, "unavailable", UNAVAILABLE, {"Retry-After": "5"})
    log.error("unexpected_error", error=describe(exc))
    return error(500, "internal_error", "error interno; el apoyo no se registró")


def install(app: FastAPI) -> None:
    @app.exception_handler(Refused)
    async def _refused(_: Request, exc: Refused) -> JSONResponse:
        headers = dict(exc.headers or {})
        if exc.status == 401:
            headers["WWW-Authenticate"] = "Bearer"
        return error(exc.status, exc.code, exc.detail, headers or None)

    @app.exception_handler(RequestValidationError)
    async def _invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        fields = [".".join(map(str, e["loc"])) for e in exc.errors()]
        return error(422, "validation_error", {"fields": fields})

    @app.exception_handler(HTTPException)
    async def _http(_: Request, exc: HTTPException) -> JSONResponse:
        return error(exc.status_code, _CODES.get(exc.status_code, "error"), exc.detail)

    @app.exception_handler(CharacterNotInRepertoireError)
    async def _nul(_: Request, __: CharacterNotInRepertoireError) -> JSONResponse:
        return error(422, "validation_error", NUL_DETAIL)  # PostgreSQL's text holds no NUL

    # The kinds an outage raises get the handler directly: a handler for `Exception` answers
    # and then re-raises (a traceback per request, and the server drops the connection, which a
    # client reusing it sees as a disconnect), right for a bug, wrong for an outage.
    for kind in (*OUTAGE_KINDS, Exception):
        app.add_exception_handler(kind, unexpected)
