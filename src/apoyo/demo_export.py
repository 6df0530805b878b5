"""The demo's end: a package per aspirant asked for over HTTP as the institute, written in
the --out folder and verified with the code `apoyo export verify` runs."""

import asyncio
import json
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from apoyo import admin
from apoyo_common.codes import Role
from apoyo_common.settings import Settings
from apoyo_common.signing import load_or_create_key
from apoyo_export.verify import Verdict, verify_package


@dataclass(frozen=True)
class Exported:
    aspirant_id: str
    path: Path | None
    verdict: Verdict

    def summary(self) -> dict[str, Any] | None:
        """The package's summary.json, without its count of records (the progress object)."""
        if self.path is None:
            return None
        with zipfile.ZipFile(self.path) as package:
            found: dict[str, Any] = json.loads(package.read("summary.json"))
        found.pop("supports", None)
        return found


async def wait_built(client: httpx.AsyncClient, export_id: str, headers: dict[str, str]) -> str:
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        shown = (await client.get(f"/v1/exports/{export_id}", headers=headers)).json()
        if shown["status"] != "PENDING":
            return str(shown["status"])
        await asyncio.sleep(0.3)
    return "PENDING"


async def download(client: httpx.AsyncClient, url: str, headers: dict[str, str], to: Path) -> None:
    async with client.stream("GET", url, headers=headers) as answer:
        answer.raise_for_status()
        with to.open("wb") as out:
            async for chunk in answer.aiter_bytes():
                out.write(chunk)


async def export_one(
    client: httpx.AsyncClient,
    headers: dict[str, str],
    target: dict[str, str],
    out: Path,
    pinned: Ed25519PublicKey | None,
) -> Exported:
    aspirant = target["aspirant_id"]
    asked = await client.post("/v1/exports", json=target, headers=headers)
    asked.raise_for_status()
    export_id = asked.json()["export_id"]
    status = await wait_built(client, export_id, headers)
    if status != "READY":
        return Exported(aspirant, None, Verdict([f"la exportación quedó en {status}"]))
    path = out / f"export-{target['process_id']}-{aspirant}.zip"
    await download(client, f"/v1/exports/{export_id}/package", headers, path)
    return Exported(aspirant, path, await asyncio.to_thread(verify_package, path, pinned))


async def export_packages(
    client: httpx.AsyncClient, settings: Settings, process: dict[str, Any], out: Path
) -> list[Exported]:
    token = admin.issue_token(settings, Role.OPLE, None, None, "30m", "ople-demo")
    headers = {"Authorization": f"Bearer {token}"}
    pinned = None  # the institute's own key, pinned as auditors do
    if settings.signing_key_file is not None:
        pinned = load_or_create_key(settings.signing_key_file).public_key()
    done = []
    for aspirant in process["aspirants"]:
        target = {"process_id": str(process["id"]), "aspirant_id": str(aspirant["id"])}
        done.append(await export_one(client, headers, target, out, pinned))
    return done


def summary_line(summary: dict[str, Any], progress: dict[str, Any] | None) -> str:
    met = "sí" if summary["met"] else "no"
    same = "igual al" if summary == progress else "DISTINTO del"
    return (
        f"  summary.json: requeridos {summary['required']:,}, válidos {summary['valid']:,}, "
        f"cumple: {met} ({same} avance de verificación)"
    )


def export_lines(exported: list[Exported], progress: dict[str, dict[str, Any]]) -> list[str]:
    lines = []
    for item in exported:
        where = f"{item.path} ({item.path.stat().st_size / 1e6:.1f} MB)" if item.path else "-"
        lines.append(f"Paquete de exportación {item.aspirant_id}: {where}")
        verdict = item.verdict
        lines += ["  " + verdict.summary()] if verdict.ok else [f"  {p}" for p in verdict.problems]
        summary = item.summary() if verdict.ok else None
        if summary is not None:
            lines.append(summary_line(summary, progress.get(item.aspirant_id)))
    return lines
