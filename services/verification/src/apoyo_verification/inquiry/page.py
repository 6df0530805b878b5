"""The citizen's "was it me?" page (Spanish, mobile first, accessible), which uses the
inquiry's JSON routes; public, like capture's citizen form."""

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from apoyo_verification.web import page, static_text

PAGE_PATH = "/consulta"


async def _page(_: Request) -> Response:
    return page(static_text("inquiry.html"))


def page_routes() -> list[BaseRoute]:
    return [Route(PAGE_PATH, _page, methods=["GET"], name="inquiry_page", include_in_schema=False)]
