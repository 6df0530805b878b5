"""`apoyo demo`: the whole foundation, embedded, with progress and a summary table."""

import asyncio
import json
import shutil
import socket
import time
from dataclasses import asdict
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import asyncpg
import httpx
from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from apoyo import admin
from apoyo.client import Posted, post_support, support_data, support_files
from apoyo.demo_channels import show_channels
from apoyo.demo_evidence import demo_files, outcomes, outcomes_table, shown
from apoyo.demo_export import export_lines, export_packages
from apoyo.demo_progress import fetch_progress, progress_table, status_table
from apoyo.embedded import serve_embedded
from apoyo.synthetic.people import Citizen, make_citizens
from apoyo.synthetic.roll import demo_process, roll_csv
from apoyo.voter_roll import load_file as load_roll_file
from apoyo_common.codes import Role
from apoyo_common.processes import ProcessDefinition

STAGES = (
    ("capture", "capture.supports"),
    ("identity", "identity.decodings"),
    ("verification", "verification.supports"),
    ("notification", "notification.outcomes"),
    ("export", "export.records"),
)
console = Console()


def write_sample(folder: Path, person: Citizen) -> None:
    """One support's files, to try the API by hand (README)."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, content, _ in support_files(person, photo_seed=7).values():
        (folder / name).write_bytes(content)
    data = support_data(person, "gub-son-2027", "asp-01")
    (folder / "data.json").write_text(json.dumps(data, ensure_ascii=False))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def wait_ready(client: httpx.AsyncClient, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if (await client.get("/readyz")).status_code == 200:
                return
        except httpx.TransportError:
            pass
        await asyncio.sleep(0.3)
    raise TimeoutError("el servidor embebido no quedó listo")


async def stage_counts(dsn: str) -> dict[str, int]:
    conn = await asyncpg.connect(dsn)
    try:
        return {
            name: int(await conn.fetchval(f"SELECT count(*) FROM {table}"))
            for name, table in STAGES
        }
    finally:
        await conn.close()


async def post_all(
    client: httpx.AsyncClient,
    people: list[Citizen],
    token: str,
    process_id: str,
    progress: Progress,
) -> list[Posted]:
    task = progress.add_task("Enviando apoyos por HTTP", total=len(people))
    limit = asyncio.Semaphore(8)

    async def one(i: int, person: Citizen) -> Posted:
        async with limit:
            aspirant = "asp-01" if i % 3 else "asp-02"
            posted = await post_support(
                client,
                token,
                f"demo-{i}",
                support_data(person, process_id, aspirant),
                await asyncio.to_thread(demo_files, i, people, len(people)),
            )
            progress.advance(task)
            return posted

    return list(await asyncio.gather(*(one(i, p) for i, p in enumerate(people))))


async def follow_pipeline(
    dsn: str, expected: int, progress: Progress, seconds: float = 300
) -> dict[str, int]:
    tasks = {name: progress.add_task(f"  {name}", total=expected) for name, _ in STAGES}
    deadline = time.monotonic() + seconds
    counts = await stage_counts(dsn)
    while counts["export"] < expected and time.monotonic() < deadline:
        for name, done in counts.items():
            progress.update(tasks[name], completed=done)
        await asyncio.sleep(0.3)
        counts = await stage_counts(dsn)
    for name, done in counts.items():
        progress.update(tasks[name], completed=done)
    return counts


def sent_with_problems(posted: list[Posted]) -> dict[str, str]:
    """Support id to what was sent, for the evidence table's supports that were accepted."""
    return {
        str(posted[i].body["support_id"]): label
        for i, label in shown(len(posted)).items()
        if posted[i].status == 202
    }


def summary_table(
    counts: dict[str, int], statuses: dict[str, int], accepted: int, seconds: float
) -> Table:
    table = Table(title="Resumen de la demostración")
    table.add_column("etapa / estado")
    table.add_column("apoyos", justify="right")
    for name, done in counts.items():
        table.add_row(f"etapa {name}", str(done))
    for label, n in sorted(statuses.items()):
        table.add_row(label, str(n))
    table.add_row("aceptados (202)", str(accepted))
    table.add_row("segundos", f"{seconds:.1f}")
    return table


SUMMARY_QUERIES = {
    "estado": "SELECT status AS k, count(*) AS n FROM capture.supports GROUP BY 1",
    "MRZ leída": "SELECT (output->'mrz' <> 'null'::jsonb)::text AS k, count(*) AS n "
    "FROM identity.decodings GROUP BY 1",
    "bandera": "SELECT f AS k, count(*) AS n FROM identity.decodings, "
    "jsonb_array_elements_text(flags) f GROUP BY 1",
    "cotejo": "SELECT c->>'result' AS k, count(*) AS n FROM identity.decodings, "
    "jsonb_array_elements(output->'checks') c GROUP BY 1",
}


async def statuses(dsn: str) -> dict[str, int]:
    """Counts per status, MRZ read or not, flag and cross-check result."""
    conn = await asyncpg.connect(dsn)
    try:
        found = {}
        for label, sql in SUMMARY_QUERIES.items():
            for row in await conn.fetch(sql):
                key = {"true": "sí", "false": "no"}.get(row["k"], row["k"])
                found[f"{label} {key}"] = int(row["n"])
        return found
    finally:
        await conn.close()


def capture_window_around_now() -> dict[str, str]:
    """The supports are captured now: a window around today, so that they are on time."""
    today = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    start, end = today - timedelta(days=7), today + timedelta(days=30)
    return {"start": start.isoformat(), "end": end.isoformat()}


class NotADemoFolder(Exception):
    """--out holds a `data` folder that no earlier demo made: it is left alone."""


def fresh_data(data: Path) -> None:
    """Every demo starts from nothing. An earlier run's embedded system in the same --out
    would make this run's people duplicates and its auxiliary already taken; only a folder
    that the embedded system made (it holds its secrets.json) is removed."""
    if not data.exists():
        return
    if not (data / "secrets.json").is_file():
        raise NotADemoFolder(str(data))
    shutil.rmtree(data)


async def run_demo(count: int, out: Path) -> int:
    out.mkdir(parents=True, exist_ok=True)
    fresh_data(out / "data")
    started, port, stop = time.monotonic(), free_port(), asyncio.Event()
    # One token stands for many auxiliaries here: no rate limit; links and codes echoed.
    demo_settings = {"rate_ip_per_s": 0.0, "rate_token_per_s": 0.0, "echo_secrets": True}
    server = asyncio.create_task(
        serve_embedded(out / "data", "127.0.0.1", port, stop, **demo_settings)
    )
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=60) as client:
        console.print(f"Iniciando el sistema embebido en http://127.0.0.1:{port} …")
        await wait_ready(client)
        settings = admin.settings_for(out / "data")
        people = make_citizens(count)
        (out / "voter-roll.csv").write_text(roll_csv(people), encoding="utf-8")
        cut = date(2026, 8, 31)
        await load_roll_file(settings, out / "voter-roll.csv", cut, True, None)
        write_sample(out / "sample", people[0])
        process = demo_process(cut) | {"capture": capture_window_around_now()}
        (out / "process.json").write_text(json.dumps(process, ensure_ascii=False, indent=2))
        await admin.create_process(ProcessDefinition.model_validate(process), settings)
        token = admin.issue_token(
            settings, Role.AUXILIARY, str(process["id"]), None, "2h", "aux-demo"
        )
        with Progress(console=console) as progress:
            posted = await post_all(client, people, token, str(process["id"]), progress)
            counts = await follow_pipeline(settings.database_url, count, progress)
        found = await statuses(settings.database_url)
        channels = await show_channels(client, settings, out, str(process["id"]), people[0])
        exported = await export_packages(client, settings, process, out)
        # Read after the packages: the channels' last supports have settled by then, so the
        # progress and each package's summary count the same supports.
        advance = await fetch_progress(client, settings, process)
        evidence = await outcomes(settings.database_url, sent_with_problems(posted))
    stop.set()
    await server
    accepted = [p.status for p in posted].count(202)
    console.print(summary_table(counts, found, accepted, time.monotonic() - started))
    if evidence:
        console.print(outcomes_table(evidence))
    for line in channels:
        console.print(line, markup=False, soft_wrap=True)
    mails = sorted((out / "data" / "mail").glob("*.eml"))
    console.print(f"Correos escritos en {out / 'data' / 'mail'}: {len(mails)} archivos .eml")
    console.print(progress_table(advance))
    console.print(status_table(advance))
    for line in export_lines(exported, advance):
        console.print(line, markup=False, soft_wrap=True)
    summary = {
        "stages": counts,
        "statuses": found,
        "evidence": [asdict(item) for item in evidence],
        "progress": advance,
        "mails": len(mails),
    }
    (out / "summary.json").write_text(json.dumps(summary, indent=2, ensure_ascii=False))
    verified = all(item.verdict.ok for item in exported)
    ok = accepted == count and counts["export"] == count and verified
    console.print("Listo." if ok else "[red]La demostración no terminó completa.[/red]")
    return 0 if ok else 1
