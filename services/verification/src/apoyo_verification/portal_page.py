"""The aspirant's private portal (Spanish, accessible, phone first): one page that calls the
JSON routes every client uses — verification's progress, capture's supports, invitations and
auxiliaries — and links to the hearing (docs/portals.md).

It is served here, beside the hearing page, because the words for each status and reason and
the pages' style sheet live here; the page carries no data of its own. Sign-in is the hearing's:
the aspirant's token stays in the tab's sessionStorage and goes as `Authorization: Bearer`.
"""

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from apoyo_common.codes import Status
from apoyo_verification.hearing.page import REASON_WORDS, STATUS_WORDS, options
from apoyo_verification.web import page, static_text

PAGE_PATH = "/portal"
RECEIVED = "Recibido; en verificación"
COUNTS = "Válido: en la lista nominal, cuenta"


def page_html() -> str:
    words = {s.value: STATUS_WORDS.get(s, s.value) for s in Status}
    words |= {Status.RECIBIDO.value: RECEIVED, Status.EN_LISTA_NOMINAL.value: COUNTS}
    html = static_text("portal.html").replace("{statuses}", options(words))
    return html.replace("{reasons}", options(REASON_WORDS))


async def _page(_: Request) -> Response:
    return page(page_html())


def page_routes() -> list[BaseRoute]:
    page = Route(PAGE_PATH, _page, methods=["GET"], name="aspirant_portal", include_in_schema=False)
    return [page]
