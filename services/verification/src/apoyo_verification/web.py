"""Verification's web pages (the aspirant's hearing, the citizen's "was it me?"): HTML without
inline code, scripts and the style sheet from this package's `static/` folder, under the same
Content-Security-Policy as capture's citizen form."""

from importlib import resources

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import BaseRoute, Route

from apoyo_common.bearer import refusal

STATIC_PATH = "/verificacion"
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' blob: data:; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
HEADERS = {
    "Content-Security-Policy": CSP,
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
}
STATIC = {
    "pages.css": "text/css; charset=utf-8",
    "pages.js": "text/javascript; charset=utf-8",
    "hearing.js": "text/javascript; charset=utf-8",
    "inquiry.js": "text/javascript; charset=utf-8",
    "portal.js": "text/javascript; charset=utf-8",
    "portal.css": "text/css; charset=utf-8",
    "desk.js": "text/javascript; charset=utf-8",
    "overview.js": "text/javascript; charset=utf-8",
}


def static_text(name: str) -> str:
    return resources.files("apoyo_verification").joinpath("static", name).read_text("utf-8")


def page(html: str) -> HTMLResponse:
    return HTMLResponse(html, headers=HEADERS)


async def _static(request: Request) -> Response:
    name = request.path_params["name"]
    if name not in STATIC:
        return refusal(404, "not_found", "no existe ese archivo")
    headers = {"Cache-Control": "no-cache", "X-Content-Type-Options": "nosniff"}
    return Response(static_text(name), media_type=STATIC[name], headers=headers)


def static_routes() -> list[BaseRoute]:
    return [Route(STATIC_PATH + "/{name}", _static, methods=["GET"], include_in_schema=False)]
