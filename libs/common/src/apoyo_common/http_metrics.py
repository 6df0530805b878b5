"""HTTP request rates and latencies, labelled by the route's template.

Paths carry ids (supports, exports, tokens), so the label is the template the request matched
(`/v1/exports/{export_id}`), never the path. The routers write the route they chose into the
scope (FastAPI's included routers too, whose templates this walk cannot see); when they did
not, the app's routes are walked as Starlette's router walks them. A path that matches none is
`unmatched`, whatever it was.
"""

import time
from collections.abc import Sequence

from starlette.routing import BaseRoute, Match, Mount
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from apoyo_common import metrics

METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}
UNMATCHED = "unmatched"


def route_template(routes: Sequence[BaseRoute], scope: Scope, prefix: str = "") -> str | None:
    """The template of the route that would answer `scope` (a partial match, such as a wrong
    method, counts: the router answers it from that route)."""
    partial: str | None = None
    for route in routes:
        match, child = route.matches(scope)
        if match is Match.NONE:
            continue
        found = _template(route, {**scope, **child}, prefix)
        if match is Match.FULL:
            return found
        partial = partial if partial is not None else found
    return partial


def _template(route: BaseRoute, scope: Scope, prefix: str) -> str | None:
    if isinstance(route, Mount):
        inner = route.routes
        if not inner:  # an app without routes of its own (static files)
            return f"{prefix}{route.path}/{{path}}"
        return route_template(inner, scope, prefix + route.path)
    path: str | None = getattr(route, "path_format", None)
    return None if path is None else prefix + path


class HttpMetrics:
    """ASGI middleware: a count and a duration per request, labelled by route template."""

    def __init__(self, app: ASGIApp, routes: Sequence[BaseRoute]) -> None:
        self.app, self.routes = app, routes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        asked = dict(scope)  # the routers update `scope` in place as they go down
        method = scope["method"] if scope["method"] in METHODS else "OTHER"
        status = {"code": 500}  # if the app raises before answering, the server answers 500

        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start":
                status["code"] = int(message["status"])
            await send(message)

        started = time.perf_counter()
        try:
            await self.app(scope, receive, sending)
        finally:
            route = chosen(scope, asked) or route_template(self.routes, asked) or UNMATCHED
            _observe(method, route, status["code"], time.perf_counter() - started)


def chosen(scope: Scope, asked: Scope) -> str | None:
    """The template of the endpoint a router chose, with the mounts' prefixes before it (the
    mounts of this project have no parameters of their own: their prefix is literal)."""
    route = scope.get("route")
    path: str | None = getattr(route, "path_format", None)
    if route is None or isinstance(route, Mount) or path is None:
        return None
    prefix = str(scope.get("root_path", ""))[len(str(asked.get("root_path", ""))) :]
    return prefix + path


def _observe(method: str, route: str, status: int, seconds: float) -> None:
    service = metrics.process_name()
    metrics.HTTP_REQUESTS.labels(service, method, route, str(status)).inc()
    metrics.HTTP_SECONDS.labels(service, method, route).observe(seconds)
