"""Every service unit wired as `serve all` wires them, on a test's PostgreSQL, a local folder
store and an unconnected broker, with the HTTP app behind an in-process client."""

import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import asyncpg
import httpx
from faststream.kafka import KafkaBroker
from pydantic import SecretStr
from starlette.applications import Starlette

from apoyo.services import build_all
from apoyo_common.runtime import Infrastructure, ServiceUnit, prepare, stop_units
from apoyo_common.server import build_app
from apoyo_common.settings import Settings
from apoyo_common.storage import LocalFolderStore
from tests.factories import NOW


@dataclass(frozen=True)
class AllUnits:
    units: list[ServiceUnit]
    client: httpx.AsyncClient
    app: Starlette  # the app behind the client (its routes, for the role matrix)

    def exposed(self, service: str, name: str) -> Any:
        """What a unit's wiring exposes to tests (`unit.extra[name]`)."""
        [found] = [u.extra[name] for u in self.units if u.name == service]
        return found


@contextlib.asynccontextmanager
async def all_units(
    pool: asyncpg.Pool, folder: Path, secret: str, **settings: Any
) -> AsyncIterator[AllUnits]:
    # Evidence sealed to the institute's keys, as embedded and production run it.
    settings.setdefault("kek_file", folder.with_name(folder.name + "-kek.json"))
    made = Settings(storage="local", storage_dir=folder, token_secret=SecretStr(secret), **settings)
    infra = Infrastructure(made, KafkaBroker(), pool, LocalFolderStore(folder), lambda: NOW)
    units = build_all(infra)
    await prepare(infra, units)
    app = build_app(infra, units, contextlib.nullcontext)
    transport = httpx.ASGITransport(app=app)
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            yield AllUnits(list(units), client, app)
    finally:
        await stop_units(units)
