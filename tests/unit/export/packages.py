"""Small packages built in memory for the export tests, and ways to tamper with them."""

import asyncio
import hashlib
import zipfile
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from apoyo_common.messages import ProcessCells
from apoyo_common.processes import Dispersion
from apoyo_common.storage import InMemoryStore
from apoyo_export.manifest import PackageMeta
from apoyo_export.package import Built, write_package
from apoyo_export.records import Evidence, Support
from apoyo_export.summary import Basis
from tests.factories import process

T0 = datetime(2026, 12, 20, 17, 0, tzinfo=UTC)
STATUSES = ("EN_LISTA_NOMINAL", "NO_ENCONTRADO", "EN_LISTA_NOMINAL", "BAJA", "INCONSISTENCIA")
KEY = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
META = PackageMeta("exp-1", "gub-son-2027", "asp-01", "2026-08-31", T0)
RULE = Dispersion(unit="municipio", min_units="half", pct_per_unit=1.0)
PROCESS = process().model_copy(update={"dispersion": RULE})
BASIS = Basis(
    PROCESS,
    ProcessCells(
        process_id=PROCESS.id, cut=PROCESS.cut, unit="municipio", ln_total=450,
        ln_by_unit={"26-001": 100, "26-002": 300, "26-003": 50}, computed_at=T0,
    ),
)  # fmt: skip


def registry(i: int) -> dict[str, str]:
    """Supports alternate between municipios 001 and 002 of Sonora."""
    municipio = f"{1 + i % 2:03d}"
    return {
        "entidad": "26", "distrito_federal": "01", "distrito_local": "02",
        "municipio": municipio, "seccion": f"0{municipio}",
    }  # fmt: skip


def image(support_id: str, kind: str) -> bytes:
    return b"\xff\xd8\xff\xe0" + f"{support_id}/{kind}".encode() * 20


def support(i: int, status: str) -> Support:
    support_id = f"s-{i:03d}"
    evidence = tuple(
        Evidence(kind, f"evidence/p/{support_id}/{kind}.jpg",
                 hashlib.sha256(image(support_id, kind)).hexdigest(),
                 len(image(support_id, kind)), "image/jpeg")
        for kind in ("credential_front", "credential_back", "signature")
    )  # fmt: skip
    reasons = ("FOTOCOPIA",) if status == "INCONSISTENCIA" else ()
    form = {"nombre": f"NOMBRE {i}", "apellido_paterno": "LUNA", "seccion": "0123"}
    return Support(
        support_id, "gub-son-2027", "asp-01", "AUXILIAR", T0 + timedelta(minutes=i),
        status, reasons, form, evidence, None if status == "NO_ENCONTRADO" else registry(i),
    )  # fmt: skip


def supports(n: int) -> list[Support]:
    return [support(i, STATUSES[i % len(STATUSES)]) for i in range(1, n + 1)]


async def stocked(items: list[Support]) -> InMemoryStore:
    store = InMemoryStore()
    for item in items:
        for e in item.evidence:
            await store.put(e.object_key, image(item.support_id, e.kind), e.content_type)
        await store.put(
            item.certificate_key,
            b'{"cert":"%s"}' % item.support_id.encode(),
            "application/json",
        )
    return store


async def each(items: list[Support]) -> AsyncIterator[Support]:
    for item in items:
        yield item


def build(path: Path, n: int = 5, key: Ed25519PrivateKey = KEY, basis: Basis = BASIS) -> Built:
    items = supports(n)

    async def run() -> Built:
        store = await stocked(items)
        with path.open("wb") as out:
            return await write_package(out, META, each(items), store.get, key, basis)

    return asyncio.run(run())


def rewrite(path: Path, change: Callable[[dict[str, bytes]], dict[str, bytes]]) -> None:
    """Rewrite the zip with its entries changed (a tamperer with ordinary tools)."""
    with zipfile.ZipFile(path) as archive:
        entries = {name: archive.read(name) for name in archive.namelist()}
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in change(entries).items():
            archive.writestr(name, data)


def lines_changed(
    name: str, change: Callable[[list[bytes]], list[bytes]]
) -> Callable[[dict[str, bytes]], dict[str, bytes]]:
    def apply(entries: dict[str, bytes]) -> dict[str, bytes]:
        lines = entries[name].splitlines(keepends=True)
        return entries | {name: b"".join(change(lines))}

    return apply
