"""Serve one or several service units: startup order, readiness, clean shutdown.

Startup: migrations and the bucket first, then the broker (so no message is taken before
the schema exists), then background tasks, then readiness turns green. Shutdown runs the
other way round, letting handlers in flight finish before the pool closes.
"""

import asyncio
import contextlib
import signal
import socket
import threading
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine, Iterator, Sequence
from typing import Any

import uvicorn
import uvloop
from asyncpg.exceptions import CharacterNotInRepertoireError
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import BaseRoute, Match, Mount, Route
from starlette.types import Scope

from apoyo_common import metrics
from apoyo_common.bearer import refusal
from apoyo_common.heap import keep_large_blocks, settle_heap
from apoyo_common.http_metrics import HttpMetrics
from apoyo_common.http_parser import BoundedHttpTools
from apoyo_common.openapi import document
from apoyo_common.ops import ops_routes
from apoyo_common.runtime import Infrastructure, ServiceUnit, background, prepare, stop_units
from apoyo_common.text import NUL_DETAIL

KEEP_ALIVE_S = 75  # an idle client connection is kept this long (see serve)

BrokerRunner = Callable[[], contextlib.AbstractAsyncContextManager[Any]]


@contextlib.asynccontextmanager
async def real_broker(infra: Infrastructure) -> AsyncIterator[None]:
    await infra.broker.start()
    try:
        yield
    finally:
        await infra.broker.stop()


def build_app(
    infra: Infrastructure,
    units: Sequence[ServiceUnit],
    broker_runner: BrokerRunner,
    on_close: Callable[[], Any] | None = None,
    broker_ready: Callable[[], Awaitable[bool]] | None = None,
) -> Starlette:
    state = {"ready": False}

    async def ready() -> dict[str, bool]:
        checks = {"started": state["ready"]}
        try:
            checks["database"] = await infra.pool.fetchval("SELECT 1") == 1
        except Exception:
            checks["database"] = False
        if broker_ready is not None:
            checks["broker"] = await broker_ready()
        return checks

    @contextlib.asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        await prepare(infra, units)
        async with broker_runner(), background(units):
            state["ready"] = True
            yield
            state["ready"] = False
        await stop_units(units)
        if on_close is not None:
            await on_close()

    served = [r for unit in units for r in unit.routes]
    routes = catch_alls_last([*ops_routes(ready), openapi_route(units), *served])
    metrics.name_process(units[0].name if len(units) == 1 else "all")
    timed = Middleware(HttpMetrics, routes=routes)
    refusals = {HTTPException: refused, CharacterNotInRepertoireError: nul_refused}
    return Starlette(
        routes=routes,
        middleware=[timed],
        lifespan=lifespan,
        exception_handlers=refusals,  # type: ignore[arg-type]
    )


async def refused(_: Request, exc: HTTPException) -> JSONResponse:
    """A path no route takes (a newline in it escapes even capture's catch-all mount) is a
    JSON refusal like every other, not Starlette's plain-text "Not Found"."""
    code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "bad_request")
    return refusal(exc.status_code, code, "no existe esa ruta o método")


async def nul_refused(_: Request, __: Exception) -> JSONResponse:
    """A NUL in a path, query or body that reached a query: PostgreSQL's text cannot hold it,
    so no row has it and none was written. A refusal, not a 500 (found by the hostile tests)."""
    return refusal(422, "validation_error", NUL_DETAIL)


def openapi_route(units: Sequence[ServiceUnit]) -> Route:
    """/openapi.json for every unit served here, before capture's own (which knows only its
    FastAPI routes); built once, on the first request."""
    built: dict[str, JSONResponse] = {}

    async def openapi(_: Request) -> JSONResponse:
        if "document" not in built:
            apis = [unit.api for unit in units if unit.api is not None]
            built["document"] = JSONResponse(document(fastapi_document(units), apis))
        return built["document"]

    return Route("/openapi.json", openapi, methods=["GET"], include_in_schema=False)


def fastapi_document(units: Sequence[ServiceUnit]) -> dict[str, Any] | None:
    for route in (r for unit in units for r in unit.routes):
        describe = getattr(route.app, "openapi", None) if isinstance(route, Mount) else None
        if callable(describe):
            found: dict[str, Any] = describe()
            return found
    return None


def catch_alls_last(routes: list[BaseRoute]) -> list[BaseRoute]:
    """A unit's app mounted at the root (capture's) answers every path, 404 included: the
    other units' routes go before it, or they would never be reached, and it takes only the
    paths none of them knows."""

    def catch_all(route: BaseRoute) -> bool:
        return isinstance(route, Mount) and route.path == ""

    others = [r for r in routes if not catch_all(r)]
    return others + [Leftover(r, others) for r in routes if isinstance(r, Mount) and catch_all(r)]


class Leftover(Mount):
    """A root mount that lets pass the paths another route knows. Otherwise it would take them
    whole when their method is wrong, and answer 404 where the router answers 405."""

    def __init__(self, mount: Mount, others: Sequence[BaseRoute]) -> None:
        self.__dict__.update(mount.__dict__)  # the same mount, matched differently
        self.others = others

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        if any(route.matches(scope)[0] is not Match.NONE for route in self.others):
            return Match.NONE, {}
        return super().matches(scope)


class GracefulServer(uvicorn.Server):
    """uvicorn re-raises SIGTERM once it has shut down, which ends the process before its
    caller cleans up (the embedded PostgreSQL would be left running): catch, never re-raise."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        if threading.current_thread() is not threading.main_thread():
            yield
            return
        handled = (signal.SIGINT, signal.SIGTERM)
        originals = {sig: signal.signal(sig, self.handle_exit) for sig in handled}
        try:
            yield
        finally:
            for sig, handler in originals.items():
                signal.signal(sig, handler)

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets)
        settle_heap()  # the application has started: what it built is kept for good
        keep_large_blocks()  # each request's large buffers reuse the heap's pages


def run_fast(main: Coroutine[Any, Any, None]) -> None:
    """`asyncio.run` on uvloop's event loop: the same asyncio API, about a tenth less CPU a
    capture request than the standard loop (docs/operations.md, *Capacity*)."""
    with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
        runner.run(main)


async def serve(
    app: Starlette,
    host: str,
    port: int,
    stop: asyncio.Event | None = None,
    sock: socket.socket | None = None,
) -> None:
    """Serve until a signal arrives or, when given, until `stop` is set; on `sock` when given
    (a listening socket shared by workers), else on host and port."""
    config = uvicorn.Config(
        app,
        host=host,
        port=port,
        http=BoundedHttpTools,  # httptools, bounded as h11 was (apoyo_common.http_parser)
        log_config=None,
        access_log=False,
        lifespan="on",
        timeout_graceful_shutdown=20,
        # Longer than clients keep an idle connection (httpx 5 s, uvicorn's own default here):
        # the client drops it first, so a request is never sent as the server closes it (seen
        # as a dropped connection by the client and a ClientDisconnect by the service).
        timeout_keep_alive=KEEP_ALIVE_S,
    )
    server = GracefulServer(config)

    async def stop_when_told() -> None:
        if stop is not None:
            await stop.wait()
            server.should_exit = True

    watcher = asyncio.create_task(stop_when_told())
    try:
        await server.serve(sockets=None if sock is None else [sock])
    finally:
        watcher.cancel()
