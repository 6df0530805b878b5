"""The role matrix (docs/security.md, "Roles"): every route of the all-units app and of each
service's own app is in role_table.ROUTES, and every guarded route admits exactly the callers
the table names: 401 without a valid token, 403 for any other caller, something else (not a
500) for the callers it admits. The world holds a real resource behind every path, so that a
route which looks its resource up before it judges the caller still has to say 403."""

import contextlib
import hashlib
import re
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import asyncpg
import httpx
import pytest
from faststream.kafka import KafkaBroker
from pydantic import SecretStr
from starlette.routing import BaseRoute, Mount

from apoyo.services import BUILDERS
from apoyo_capture.adapters.postgres import PgCaptureRepository
from apoyo_capture.certificate import Submission
from apoyo_capture.grants import GrantKind, subject_of
from apoyo_common.codes import Role
from apoyo_common.runtime import Infrastructure
from apoyo_common.server import build_app
from apoyo_common.settings import Settings
from apoyo_common.storage import LocalFolderStore, ObjectStore
from apoyo_common.tokens import Principal, issue
from apoyo_export.adapters.postgres import PgProcesses as ExportProcesses
from apoyo_verification.adapters.book_postgres import PgProcesses
from apoyo_verification.adapters.postgres import PgVoterRoll
from apoyo_verification.bootstrap import desk_of
from apoyo_verification.desk.service import ReviewDesk
from tests.component.all_units import all_units
from tests.component.role_table import CALLERS, ROUTES, Guarded, P, Public
from tests.component.test_verification_duplicates import CITIZENS, load, support
from tests.factories import JPEG, NOW, captured, process

pytestmark = pytest.mark.component
SECRET = "role-matrix-secret-of-at-least-32-bytes!"
OTHER_PROCESS = "dip-son-2027"
FORM = {
    "nombre": "ANA",
    "apellido_paterno": "RUIZ",
    "clave_elector": "RZXXAN90010126M100",
    "email": "auxiliar@example.org",
    "accepted_data_protection": True,
}
UNAUTHENTICATED = ("no_token", "expired", "forged")


@dataclass
class World:
    client: httpx.AsyncClient
    tokens: dict[str, str]  # caller -> bearer token
    values: dict[str, str]  # what a path parameter stands for -> an id that exists
    served: set[tuple[str, str]]  # (method, path) of every route of the all-units app

    def path(self, template: str, params: dict[str, str]) -> str:
        def value(found: re.Match[str]) -> str:
            name = found.group(1)
            return self.values[params.get(name, name)]

        return re.sub(r"{(\w+)(?::\w+)?}", value, template)

    async def call(self, method: str, template: str, caller: str) -> httpx.Response:
        access = ROUTES[(method, template)]
        params = access.params
        url = self.path(template, params) + (access.query if isinstance(access, Guarded) else "")
        body = access.json if isinstance(access, Guarded) else None
        token = self.tokens.get(caller)
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return await self.client.request(method, url, json=body, headers=headers)


def token(role: Role, process: str | None = None, aspirant: str | None = None) -> str:
    principal = Principal(role, f"{role.value}:matriz:{process}:{aspirant}", process, aspirant)
    return issue(SECRET, principal, timedelta(minutes=10))


def role_tokens() -> dict[str, str]:
    ople = Principal(Role.OPLE, "ople:matriz")
    return {
        "ople": token(Role.OPLE),
        "ople_other_process": token(Role.OPLE, OTHER_PROCESS),
        "aspirant": token(Role.ASPIRANT, P, "asp-01"),
        "aspirant_other": token(Role.ASPIRANT, P, "asp-02"),
        "aspirant_other_process": token(Role.ASPIRANT, OTHER_PROCESS, "asp-01"),
        "aspirant_unbound": token(Role.ASPIRANT, None, "asp-01"),
        "expired": issue(SECRET, ople, timedelta(seconds=-5)),
        "forged": issue("another-deployment-secret-of-32-bytes!!", ople, timedelta(minutes=5)),
    }


async def seed_processes(pool: asyncpg.Pool, repository: PgCaptureRepository) -> None:
    for one in (process(), process(process_id=OTHER_PROCESS)):
        await repository.save_process(one)
        await ExportProcesses(pool).save(one)
    await load(PgVoterRoll(pool))
    await PgProcesses(pool).save(process())


async def invite_citizens(
    world: World, repository: PgCaptureRepository, store: ObjectStore
) -> None:
    """Two invited citizens; the first one's support is `support`, with its receipt."""
    body = {"process_id": P, "aspirant_id": "asp-01", "emails": ["c1@example.org", "c2@x.org"]}
    answer = await world.client.post("/v1/invitations", json=body, headers=bearer(world, "ople"))
    first, second = answer.json()["invitations"]
    world.tokens["citizen"] = first["link"].rsplit("/", 1)[1]
    world.tokens["citizen_other"] = second["link"].rsplit("/", 1)[1]
    event = captured("s-matriz")
    grant = first["invitation_id"]
    spend = hashlib.sha256(world.tokens["citizen"].encode()).hexdigest()
    event = event.model_copy(update={"captured_by": subject_of(GrantKind.INVITACION, grant)})
    await repository.save_support(
        event, event.captured_by, "k-matriz", "f", Submission(grant_id=grant), spend
    )
    world.values["support"] = event.support_id
    for ref in event.evidence:
        await store.put(ref.object_key, JPEG, ref.content_type)


async def register_auxiliary(world: World) -> None:
    path = f"/v1/processes/{P}/aspirants/asp-01/auxiliaries"
    answer = await world.client.post(path, json=FORM, headers=bearer(world, "aspirant"))
    assert answer.status_code == 201, answer.text
    world.tokens["auxiliary"] = answer.json()["token"]
    world.values["auxiliary"] = answer.json()["auxiliary_id"]


async def request_export(world: World) -> None:
    body = {"process_id": P, "aspirant_id": "asp-01"}
    answer = await world.client.post("/v1/exports", json=body, headers=bearer(world, "ople"))
    assert answer.status_code == 202, answer.text
    world.values["export"] = answer.json()["export_id"]


def bearer(world: World, caller: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {world.tokens[caller]}"}


@pytest.fixture
async def world(pool: asyncpg.Pool, tmp_path: Path) -> AsyncIterator[World]:
    limits = {"rate_ip_per_s": 0.0, "rate_token_per_s": 0.0, "lookup_rate_ip_per_s": 0.0}
    async with all_units(pool, tmp_path, SECRET, echo_secrets=True, **limits) as served:
        repository = served.exposed("capture", "repository")
        await seed_processes(pool, repository)
        desk = desk_of(served.units)
        assert isinstance(desk, ReviewDesk)
        flagged = support(0, "en-mesa", flags=("BLURRY",))
        await desk.verifier.verify_many([flagged, support(CITIZENS, "no-cuenta", minutes=3)])
        values = {
            "process_id": P,
            "aspirant_id": "asp-01",
            "desk_item": "en-mesa",
            "heard": "no-cuenta",
            "kind": "credential_front",
            "static": "form.js",
            "page_static": "pages.css",
            "token": "no-es-un-token",
        }
        made = World(served.client, role_tokens(), values, set(endpoints(served.app)))
        await invite_citizens(made, repository, served.exposed("capture", "service").store)
        await register_auxiliary(made)
        await request_export(made)
        yield made


def endpoints(app: object, prefix: str = "") -> Iterator[tuple[str, str]]:
    """(method, path) of every route, mounted apps included; HEAD goes with GET."""
    routes: list[BaseRoute] = getattr(app, "routes", [])
    for route in routes:
        if isinstance(route, Mount):
            yield from endpoints(route, prefix + route.path)
            continue
        included = getattr(route, "original_router", None)  # FastAPI's router in a router
        if included is not None:
            yield from endpoints(included, prefix + route.include_context.prefix)  # type: ignore[attr-defined]
            continue
        methods = getattr(route, "methods", None) or {"UNKNOWN"}
        for method in sorted(set(methods) - {"HEAD"}):
            yield method, prefix + getattr(route, "path", type(route).__name__)


def own_apps(pool: asyncpg.Pool, folder: Path) -> Iterator[tuple[str, set[tuple[str, str]]]]:
    """Each service as `apoyo serve SERVICE` builds it: its routes and the operations ones."""
    settings = Settings(storage="local", storage_dir=folder, token_secret=SecretStr(SECRET))
    for name, build in BUILDERS.items():
        infra = Infrastructure(settings, KafkaBroker(), pool, LocalFolderStore(folder), lambda: NOW)
        unit = build(infra)
        app = build_app(infra, [unit], contextlib.nullcontext)
        yield name, set(endpoints(app))
        for stop in unit.on_stop:
            stop()


async def test_every_route_of_every_app_is_in_the_table(
    world: World, pool: asyncpg.Pool, tmp_path: Path
) -> None:
    served = world.served
    missing = sorted(served - set(ROUTES))
    assert not missing, f"routes without a row in role_table.ROUTES: {missing}"
    stale = sorted(set(ROUTES) - served)
    assert not stale, f"rows of role_table.ROUTES that no app serves: {stale}"
    for name, routes in own_apps(pool, tmp_path):
        assert routes <= set(ROUTES), (name, sorted(routes - set(ROUTES)))
        assert ("GET", "/healthz") in routes


async def test_every_guarded_route_admits_exactly_its_callers(world: World) -> None:
    wrong = []
    for (method, template), access in ROUTES.items():
        if not isinstance(access, Guarded):
            continue
        for caller in (*UNAUTHENTICATED, *CALLERS):
            answer = await world.call(method, template, caller)
            status = answer.status_code
            if caller in UNAUTHENTICATED:
                ok = status == 401 and answer.json()["error"] == "unauthorized"
            elif caller in access.allowed:
                ok = status not in (401, 403) and status < 500
            else:
                ok = status == 403 and answer.json()["error"] == "forbidden"
            if not ok:
                wrong.append(f"{method} {template} as {caller}: {status} {answer.text[:120]}")
    assert not wrong, "\n".join(wrong)


async def test_public_routes_answer_without_a_token(world: World) -> None:
    wrong = []
    for (method, template), access in ROUTES.items():
        if isinstance(access, Public):
            assert len(access.reason) > 20, (method, template)
            answer = await world.call(method, template, "no_token")
            status = answer.status_code
            if status in (500, 405) or (method == "GET" and status == 401):
                wrong.append(f"{method} {template}: {status}")
    assert not wrong, "\n".join(wrong)


async def test_a_known_path_asked_with_another_method_is_refused_405(world: World) -> None:
    """Whichever unit serves a path, a method none of its routes takes gets a JSON 405 (capture's
    app, mounted at the root of the all-units app, used to take such requests and say 404)."""
    taken: dict[str, set[str]] = {}
    for method, template in ROUTES:
        taken.setdefault(template, set()).add(method)
    wrong = []
    for template, methods in sorted(taken.items()):
        other = next(m for m in ("DELETE", "PATCH", "PUT", "POST") if m not in methods)
        params = ROUTES[(min(methods), template)].params
        answer = await world.client.request(other, world.path(template, params))
        error = (
            answer.json().get("error")
            if answer.headers.get("content-type", "").startswith("application/json")
            else None
        )
        if answer.status_code != 405 or error != "method_not_allowed":
            wrong.append(f"{other} {template}: {answer.status_code} {answer.text[:80]}")
    assert not wrong, "\n".join(wrong)
