"""`apoyo access-log export|verify`: the services' access logs signed into one package, and
checked, live in the deployment's database or offline in an exported package."""

import zipfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import asyncpg

from apoyo_common.access.entries import Entry
from apoyo_common.access.package import MANIFEST, all_entries, loads, write_package
from apoyo_common.access.package_verify import Verdict, verify_package
from apoyo_common.access.postgres import PgAccessLog
from apoyo_common.access.verify import chain_problems
from apoyo_common.db import create_pool
from apoyo_common.settings import Settings
from apoyo_common.signing import institute_key, load_public_pem

LOGS = ("capture", "verification", "export")  # the services that serve personal data


class NoSigningKey(Exception):
    """An export signed by a throwaway key could not be checked by anyone."""


async def _logs(pool: asyncpg.Pool) -> dict[str, PgAccessLog]:
    present = {}
    for schema in LOGS:
        if await pool.fetchval("SELECT to_regclass($1)", f"{schema}.access_log") is not None:
            present[schema] = PgAccessLog(pool, schema)
    return present


async def export_logs(settings: Settings, target: Path) -> dict[str, Any]:
    if settings.signing_key_file is None:
        raise NoSigningKey
    key = institute_key(settings.signing_key_file)
    pool = await create_pool(settings.database_url, 2)
    try:
        return await write_package(target, await _logs(pool), key, datetime.now(UTC))
    finally:
        await pool.close()


async def _entries(log: PgAccessLog) -> list[Entry]:
    return [entry async for entry in all_entries(log)]


async def verify_live(settings: Settings, against: Path | None = None) -> Verdict:
    """Each chain in the database; with `against`, each must still hold the exported head."""
    heads = _exported_heads(against) if against else {}
    pool = await create_pool(settings.database_url, 2)
    verdict = Verdict()
    try:
        for name, log in (await _logs(pool)).items():
            entries = await _entries(log)
            verdict.entries[name] = len(entries)
            verdict.problems += chain_problems(name, entries)
            verdict.problems += _head_problems(name, entries, heads.get(name))
    finally:
        await pool.close()
    return verdict


def _exported_heads(package: Path) -> dict[str, tuple[int, str]]:
    with zipfile.ZipFile(package) as archive:
        manifest = loads(archive.read(MANIFEST))
    return {str(log["log"]): (int(log["entries"]), str(log["chain_head"]))
            for log in manifest["logs"]}  # fmt: skip


def _head_problems(name: str, entries: list[Entry], head: tuple[int, str] | None) -> list[str]:
    if head is None or head[0] == 0:
        return []
    found = next((e for e in entries if e.seq == head[0]), None)
    if found is None or found.chain != head[1]:
        return [f"cadena no coincide: {name} número {head[0]} ya no es el exportado"]
    return []


def verify_file(package: Path, public_key: Path | None = None) -> Verdict:
    try:
        pinned = load_public_pem(public_key.read_bytes()) if public_key else None
    except ValueError:
        return Verdict([f"llave ilegible: {public_key} no es una llave pública Ed25519 en PEM"])
    return verify_package(package, pinned)


def ok_line(verdict: Verdict) -> str:
    counts = ", ".join(f"{name} {n}" for name, n in sorted(verdict.entries.items()))
    signed = f", firma válida (llave {verdict.key_id})" if verdict.key_id else ""
    return f"Bitácora de accesos íntegra: {counts or 'sin entradas'}{signed}."
