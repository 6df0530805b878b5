"""The public pages citizens open: an invitation link and an aspirant's campaign link (both
the citizen web form; the campaign one starts by proving an e-mail address), and the static
files of the form.

Opening a page changes nothing but the first-opened time of an invitation: mail scanners
follow links before people do. Every page carries a strict Content-Security-Policy: scripts,
styles and workers only from this origin, no inline code; images also from `blob:` and
`data:` (the previews of the photos taken).
"""

from html import escape
from importlib import resources

from fastapi import APIRouter, Depends
from starlette.responses import HTMLResponse, Response

from apoyo_capture.http.deps import CaptureApi
from apoyo_capture.http.form_page import form_html
from apoyo_capture.invitations import aspirant_name
from apoyo_capture.refusals import Refused

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' blob: data:; "
    "connect-src 'self'; worker-src 'self'; font-src 'self'; object-src 'none'; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
HEADERS = {
    "Content-Security-Policy": CSP,
    "Referrer-Policy": "no-referrer",  # the invitation link is a bearer token
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
}
_SHELL = (
    '<!doctype html><html lang="es"><head><meta charset="utf-8">'
    '<meta name="viewport" content="width=device-width, initial-scale=1">'
    '<link rel="stylesheet" href="/static/form.css">{script}'
    "<title>{title}</title></head><body><main><h1>{title}</h1>{body}</main></body></html>"
)
_SCRIPT = '<script src="/static/form.js" defer></script>'
_PROBLEMS = {
    "token_used": (410, "Este enlace ya se usó", "Con este enlace ya se registró un apoyo."),
    "token_expired": (410, "Este enlace venció", "Pida al aspirante una nueva invitación."),
}
_INVALID = (404, "Enlace no válido", "Revise que el enlace esté completo.")
STATIC = {  # file name: media type; served from this package
    "form.js": "text/javascript; charset=utf-8",
    "form.css": "text/css; charset=utf-8",
}
SERVICE_WORKER = "sw.js"


def page(status: int, title: str, body: str, *, script: bool = False) -> HTMLResponse:
    html = _SHELL.format(title=escape(title), body=body, script=_SCRIPT if script else "")
    return HTMLResponse(html, status_code=status, headers=HEADERS)


def _static(name: str) -> bytes:
    return resources.files("apoyo_capture.http").joinpath("static", name).read_bytes()


def router(api: CaptureApi) -> APIRouter:
    routes = APIRouter(include_in_schema=False, dependencies=[Depends(api.limits.ip)])

    @routes.get("/i/{token}")
    async def invitation(token: str) -> HTMLResponse:
        grant, problem = await api.invitations.open(token)
        if problem is not None or grant is None:
            status, title, text = _PROBLEMS.get(problem or "", _INVALID)
            return page(status, title, f"<p>{escape(text)}</p>")
        process = await api.capture.repository.process(grant.process_id)
        if process is None or not process.has_aspirant(grant.aspirant_id):
            status, title, text = _INVALID
            return page(status, title, f"<p>{escape(text)}</p>")
        name = aspirant_name(process, grant.aspirant_id)
        expires = grant.expires_at.strftime("%d/%m/%Y %H:%M UTC")
        body = form_html(process, grant.aspirant_id, name, expires)
        return page(200, "Dé su apoyo ciudadano", body, script=True)

    @routes.get("/c/{process_id}/{aspirant_id}")
    async def campaign(process_id: str, aspirant_id: str) -> HTMLResponse:
        process = await api.capture.repository.process(process_id)
        if process is None or not process.has_aspirant(aspirant_id):
            return page(404, "Campaña no encontrada", "<p>Revise que el enlace esté completo.</p>")
        body = form_html(process, aspirant_id, aspirant_name(process, aspirant_id))
        return page(200, "Dé su apoyo ciudadano", body, script=True)

    routes.include_router(static_router())
    return routes


def static_router() -> APIRouter:
    """The form's script, style sheet and service worker (at the root, so that its scope can
    cover /i/), from this package's files: no build step, no third-party host."""
    routes = APIRouter(include_in_schema=False)
    headers = {"Cache-Control": "no-cache", "X-Content-Type-Options": "nosniff"}

    @routes.get("/static/{name}")
    async def static(name: str) -> Response:
        if name not in STATIC:
            raise Refused(404, "not_found", "no existe ese archivo")
        return Response(_static(name), media_type=STATIC[name], headers=headers)

    @routes.get("/" + SERVICE_WORKER)
    async def service_worker() -> Response:
        return Response(_static(SERVICE_WORKER), media_type=STATIC["form.js"], headers=headers)

    return routes
