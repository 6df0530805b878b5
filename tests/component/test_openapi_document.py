"""/openapi.json of the app serving every unit names every route a client may call: capture's
FastAPI routes and the other units' plain Starlette routes (pages and operations endpoints
left out on purpose, `include_in_schema=False`), so the fuzzer and clients see them all."""

from collections.abc import Iterable, Iterator
from pathlib import Path

import asyncpg
import pytest
from starlette.routing import BaseRoute, Mount, Route

from apoyo_common.runtime import ServiceUnit
from tests.component.all_units import all_units

pytestmark = pytest.mark.component
SECRET = "openapi-test-secret-of-at-least-32-bytes"


def public(routes: Iterable[BaseRoute]) -> Iterator[tuple[str, str]]:
    """The plain Starlette routes; a mounted FastAPI app (capture's) by its own document."""
    for route in routes:
        if isinstance(route, Mount):
            own = route.app.openapi()  # type: ignore[attr-defined]
            yield from ((m, path) for path, item in own["paths"].items() for m in item)
        elif isinstance(route, Route) and route.include_in_schema:
            yield from ((m.lower(), route.path) for m in route.methods or () if m != "HEAD")


def served_routes(units: Iterable[ServiceUnit]) -> set[tuple[str, str]]:
    return set(public(r for unit in units for r in unit.routes))


async def test_every_public_route_is_in_the_served_document(
    pool: asyncpg.Pool, tmp_path: Path
) -> None:
    async with all_units(pool, tmp_path, SECRET) as served:
        answer = await served.client.get("/openapi.json")
        assert answer.status_code == 200
        paths = answer.json()["paths"]
        documented = {(m, path) for path, item in paths.items() for m in item}
        routes = served_routes(served.units)
    assert {"/v1/supports", "/v1/review/queue", "/v1/lookup", "/v1/exports"} <= set(paths)
    assert routes == documented
    for item in paths.values():
        for operation in item.values():
            refused = operation["responses"]["default"]["content"]["application/json"]
            assert refused["schema"] == {"$ref": "#/components/schemas/Refusal"}


async def test_a_path_no_route_takes_is_a_json_refusal(pool: asyncpg.Pool, tmp_path: Path) -> None:
    """A newline in a path escapes even capture's catch-all mount (found by the fuzzer)."""
    async with all_units(pool, tmp_path, SECRET) as served:
        answer = await served.client.get("/v1/processes/%0A/aspirants/a/auxiliaries")
    assert answer.status_code == 404
    assert answer.json()["error"] == "not_found"
