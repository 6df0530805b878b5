"""Requests are counted and timed under their route's template, never their raw path."""

import httpx
from fastapi import APIRouter, FastAPI
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Mount, Route

from apoyo_common import metrics
from apoyo_common.http_metrics import HttpMetrics, route_template


async def show(request: Request) -> Response:
    return JSONResponse({"id": request.path_params["export_id"]})


async def fail(_: Request) -> Response:
    raise RuntimeError("boom")


def fastapi_app(prefix: str, path: str) -> FastAPI:
    """An app whose route comes through an included router, as capture's do."""
    router = APIRouter(prefix=prefix)

    @router.get(path)
    async def one() -> dict[str, str]:
        return {}

    app = FastAPI()
    app.include_router(router)
    return app


def routes() -> list[BaseRoute]:
    return [
        Route("/v1/exports/{export_id:str}", show, methods=["GET"]),
        Route("/v1/fail", fail),
        Mount("/static", app=Starlette()),  # no routes of its own, as static files
        Mount("/desk", app=fastapi_app("/v1", "/cases/{case_id}")),
        Mount("", app=fastapi_app("/v1", "/supports/{support_id}")),  # capture's, at the root
    ]


def scope(path: str, method: str = "GET") -> dict[str, object]:
    return {"type": "http", "path": path, "method": method, "root_path": "", "headers": []}


def test_the_template_of_plain_mounted_and_unmatched_paths() -> None:
    found = routes()
    assert route_template(found, scope("/v1/exports/e-123")) == "/v1/exports/{export_id}"
    assert route_template(found, scope("/static/app.js")) == "/static/{path}"
    assert route_template(found, scope("/v1/nothing/x")) is None
    # A wrong method: the router answers 405 from the route, unless a root mount takes the
    # path first (as capture's does, answering 404): the label follows what answers.
    assert route_template(found, scope("/v1/exports/e-1", "POST")) is None
    without_root = found[:-1]
    assert (
        route_template(without_root, scope("/v1/exports/e-1", "POST")) == "/v1/exports/{export_id}"
    )


def count(method: str, route: str, status: str) -> float:
    labels = {"service": metrics.process_name(), "method": method, "route": route}
    return (
        metrics.REGISTRY.get_sample_value("apoyo_http_requests_total", labels | {"status": status})
        or 0.0
    )


def timed(method: str, route: str) -> float:
    labels = {"service": metrics.process_name(), "method": method, "route": route}
    return metrics.REGISTRY.get_sample_value("apoyo_http_request_seconds_count", labels) or 0.0


async def test_requests_are_counted_by_template_status_and_timed() -> None:
    found = routes()
    app = Starlette(routes=found, middleware=[Middleware(HttpMetrics, routes=found)])
    asks = [
        ("GET", "/v1/exports/e-7f3a", "/v1/exports/{export_id}", "200"),
        ("GET", "/v1/supports/s-1b2c", "/v1/supports/{support_id}", "200"),
        ("GET", "/desk/v1/cases/c-4d5e", "/desk/v1/cases/{case_id}", "200"),
        ("DELETE", "/v1/exports/e-7f3a", "unmatched", "404"),  # the root mount answers
        ("GET", "/v1/fail", "/v1/fail", "500"),
        ("GET", "/v1/unknown/u-55aa", "unmatched", "404"),
    ]
    before = {a: (count(a[0], a[2], a[3]), timed(a[0], a[2])) for a in asks}
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        for method, path, _, status in asks:
            assert (await client.request(method, path)).status_code == int(status)
    for ask in asks:
        counted, seconds = before[ask]
        assert count(ask[0], ask[2], ask[3]) == counted + 1, ask
        assert timed(ask[0], ask[2]) == seconds + 1, ask
    text = metrics.exposition()[0].decode()
    assert [i for i in ("e-7f3a", "s-1b2c", "c-4d5e", "u-55aa") if i in text] == []
