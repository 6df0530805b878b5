"""The aspirant's hearing page (Spanish, accessible), which uses the hearing's JSON routes.

The aspirant signs in by pasting the token the institute issued (`apoyo token issue --role
aspirant`): it stays in the tab's sessionStorage and goes as `Authorization: Bearer`; images
are fetched the same way and shown from `blob:` URLs.
"""

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from apoyo_common.codes import Status
from apoyo_verification.hearing.domain import ARGUMENT_MAX, ARGUMENT_MIN, HEARD
from apoyo_verification.web import page, static_text

PAGE_PATH = "/audiencia"
STATUS_WORDS = {
    Status.EN_LISTA_NOMINAL: "Válido tras la impugnación: cuenta",
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


def page_html() -> str:
    shown = (*HEARD, Status.EN_LISTA_NOMINAL)  # the last: contests the desk upheld
    options = "".join(f'<option value="{s.value}">{STATUS_WORDS[s]}</option>' for s in shown)
    html = static_text("hearing.html").replace(
        "{options}", '<option value="">Todos</option>' + options
    )
    return html.replace("{min}", str(ARGUMENT_MIN)).replace("{max}", str(ARGUMENT_MAX))


async def _page(_: Request) -> Response:
    return page(page_html())


def page_routes() -> list[BaseRoute]:
    return [Route(PAGE_PATH, _page, methods=["GET"], name="hearing_page")]
