"""The aspirant's hearing page (Spanish, accessible): HTML without inline code, its script and
style sheet from this package, under the same Content-Security-Policy as capture's form.

The aspirant signs in by pasting the token the institute issued (`apoyo token issue --role
aspirant`): it stays in the tab's sessionStorage and goes as `Authorization: Bearer` to the
JSON routes; images are fetched the same way and shown from `blob:` URLs.
"""

from importlib import resources

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import BaseRoute, Route

from apoyo_common.codes import Status
from apoyo_verification.hearing.domain import ARGUMENT_MAX, ARGUMENT_MIN, HEARD

PAGE_PATH = "/audiencia"
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
STATIC = {"hearing.js": "text/javascript; charset=utf-8", "hearing.css": "text/css; charset=utf-8"}
STATUS_WORDS = {
    Status.DUPLICADO_MISMO_ASPIRANTE: "Duplicado con otro apoyo al mismo aspirante",
    Status.DUPLICADO_OTRO_ASPIRANTE: "Duplicado: ya apoyaba a otro aspirante",
    Status.EN_PADRON_NO_LN: "En el padrón, no en la lista nominal",
    Status.BAJA: "Baja del padrón",
    Status.FUERA_AMBITO: "Fuera del ámbito geográfico",
    Status.NO_ENCONTRADO: "No encontrado en la lista nominal",
    Status.DATOS_NO_COINCIDEN: "Los datos no coinciden",
    Status.INCONSISTENCIA: "Inconsistencia en la evidencia",
    Status.PENDIENTE_REVISION: "Pendiente de revisión en la mesa de control",
}


def _options() -> str:
    choices = "".join(f'<option value="{s.value}">{STATUS_WORDS[s]}</option>' for s in HEARD)
    return '<option value="">Todos</option>' + choices


def page_html() -> str:
    return (PAGE_TEMPLATE.replace("{options}", _options())
            .replace("{min}", str(ARGUMENT_MIN)).replace("{max}", str(ARGUMENT_MAX)))  # fmt: skip


PAGE_TEMPLATE = resources.files(__package__).joinpath("static", "hearing.html").read_text("utf-8")


async def _page(_: Request) -> Response:
    return HTMLResponse(page_html(), headers=HEADERS)


async def _static(request: Request) -> Response:
    name = request.path_params["name"]
    if name not in STATIC:
        return Response(status_code=404)
    data = resources.files(__package__).joinpath("static", name).read_bytes()
    headers = {"Cache-Control": "no-cache", "X-Content-Type-Options": "nosniff"}
    return Response(data, media_type=STATIC[name], headers=headers)


def page_routes() -> list[BaseRoute]:
    return [
        Route(PAGE_PATH, _page, methods=["GET"], name="hearing_page"),
        Route(PAGE_PATH + "/{name}", _static, methods=["GET"]),
    ]
