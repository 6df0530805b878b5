"""The public pages citizens open: an invitation link and an aspirant's campaign link.

Opening a page changes nothing but the first-opened time of an invitation: mail scanners
follow links before people do. The pages say what the citizen form (a later piece) will ask.
"""

from html import escape

from fastapi import APIRouter, Depends
from starlette.responses import HTMLResponse

from apoyo_capture.http.deps import CaptureApi
from apoyo_capture.invitations import aspirant_name

HEADERS = {
    "Content-Security-Policy": "default-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'",
    "Referrer-Policy": "no-referrer",  # the invitation link is a bearer token
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
}
_SHELL = (
    '<!doctype html><html lang="es"><head><meta charset="utf-8">'
    '<meta name="viewport" content="width=device-width, initial-scale=1">'
    "<title>{title}</title></head><body><main><h1>{title}</h1>{body}</main></body></html>"
)
FORM_TO_COME = (
    "<p>Aquí estará el formulario para dar su apoyo: leerá la declaración de apoyo y el aviso "
    "de privacidad, fotografiará ambos lados de su credencial para votar, firmará (o escribirá "
    "su nombre y confirmará) y revisará todo antes de enviarlo.</p>"
)
_PROBLEMS = {
    "token_used": (410, "Este enlace ya se usó", "Con este enlace ya se registró un apoyo."),
    "token_expired": (410, "Este enlace venció", "Pida al aspirante una nueva invitación."),
}
_INVALID = (404, "Enlace no válido", "Revise que el enlace esté completo.")


def page(status: int, title: str, body: str) -> HTMLResponse:
    html = _SHELL.format(title=escape(title), body=body)
    return HTMLResponse(html, status_code=status, headers=HEADERS)


def router(api: CaptureApi) -> APIRouter:
    routes = APIRouter(include_in_schema=False, dependencies=[Depends(api.limits.ip)])

    @routes.get("/i/{token}")
    async def invitation(token: str) -> HTMLResponse:
        grant, problem = await api.invitations.open(token)
        if problem is not None or grant is None:
            status, title, text = _PROBLEMS.get(problem or "", _INVALID)
            return page(status, title, f"<p>{escape(text)}</p>")
        process = await api.capture.repository.process(grant.process_id)
        name = aspirant_name(process, grant.aspirant_id) if process else grant.aspirant_id
        body = (
            f"<p>Recibió una invitación para apoyar a <strong>{escape(name)}</strong>. "
            "Este enlace es personal y sirve para un solo apoyo; abrirlo no lo usa. Vence el "
            f"{escape(grant.expires_at.strftime('%d/%m/%Y %H:%M UTC'))}.</p>" + FORM_TO_COME
        )
        return page(200, "Invitación para dar su apoyo ciudadano", body)

    @routes.get("/c/{process_id}/{aspirant_id}")
    async def campaign(process_id: str, aspirant_id: str) -> HTMLResponse:
        process = await api.capture.repository.process(process_id)
        if process is None or not process.has_aspirant(aspirant_id):
            return page(404, "Campaña no encontrada", "<p>Revise que el enlace esté completo.</p>")
        body = (
            f"<p>Apoyo ciudadano para <strong>{escape(aspirant_name(process, aspirant_id))}"
            f"</strong> en el proceso «{escape(process.name)}».</p><p>Primero comprobará su "
            "correo electrónico: recibirá un código válido por 24 horas.</p>" + FORM_TO_COME
        )
        return page(200, "Dé su apoyo ciudadano", body)

    return routes
