"""The `apoyo` command line (interfaces.md §2). Each command is a thin call into a module."""

import asyncio
import json
import sys
from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer
from pydantic import ValidationError

from apoyo import admin, revoke
from apoyo.embedded import token_keys_path
from apoyo.services import BUILDERS
from apoyo_common import token_keys
from apoyo_common.codes import Role
from apoyo_common.logs import configure_logging
from apoyo_common.processes import ProcessDefinition
from apoyo_common.settings import Settings

app = typer.Typer(no_args_is_help=True, add_completion=False, help="apoyo ciudadano")
process_app = typer.Typer(no_args_is_help=True, help="Processes")
token_app = typer.Typer(no_args_is_help=True, help="Bearer tokens")
identity_app = typer.Typer(no_args_is_help=True, help="Reading credentials")
roll_app = typer.Typer(no_args_is_help=True, help="Voter-roll cuts")
certificate_app = typer.Typer(no_args_is_help=True, help="Support certificates")
export_app = typer.Typer(no_args_is_help=True, help="Export packages")
access_app = typer.Typer(no_args_is_help=True, help="The access log of personal data")
app.add_typer(process_app, name="process")
app.add_typer(token_app, name="token")
keys_app = typer.Typer(no_args_is_help=True, help="The institute's key-encryption keys")
app.add_typer(keys_app, name="keys")
app.add_typer(identity_app, name="identity")
app.add_typer(roll_app, name="voter-roll")
app.add_typer(certificate_app, name="certificate")
app.add_typer(export_app, name="export")
app.add_typer(access_app, name="access-log")

DataOpt = Annotated[Path | None, typer.Option("--data", help="embedded data directory")]


@app.command("serve")
def serve_cmd(
    service: Annotated[str, typer.Argument(help="all, or one of: " + ", ".join(BUILDERS))],
    embedded: Annotated[bool, typer.Option("--embedded")] = False,
    data: Annotated[Path, typer.Option("--data")] = Path(".local/embedded"),
    host: Annotated[str, typer.Option("--host")] = "127.0.0.1",
    port: Annotated[int | None, typer.Option("--port")] = None,
    workers: Annotated[int | None, typer.Option("--workers", min=1, max=64)] = None,
) -> None:
    """Run every service embedded (`all --embedded`), or one service on real infrastructure
    (`--workers N`: N processes on one port; default APOYO_HTTP_WORKERS, 1)."""
    settings = Settings()
    configure_logging(settings.log_level, service)
    if service == "all":
        if not embedded:
            raise typer.BadParameter("`serve all` runs only with --embedded")
        from apoyo.embedded import serve_embedded

        asyncio.run(serve_embedded(data, host, port or settings.http_port))
        return
    if service not in BUILDERS:
        raise typer.BadParameter(f"unknown service {service!r}")
    settings = settings.model_copy(update={"http_port": port or settings.http_port})
    workers = workers or settings.http_workers
    if workers > 1:
        from apoyo.workers import serve_workers

        if settings.signing_key_file is None:  # each worker would sign with a key of its own
            raise typer.BadParameter("--workers above 1 needs APOYO_SIGNING_KEY_FILE")
        raise typer.Exit(serve_workers(service, settings, workers))
    from apoyo.production import serve_service
    from apoyo_common.server import run_fast

    run_fast(serve_service(service, settings))


@process_app.command("create")
def process_create(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False)], data: DataOpt = None
) -> None:
    """Create or update a process from its JSON definition (interfaces.md §3)."""
    try:
        definition = ProcessDefinition.model_validate_json(file.read_bytes())
    except ValidationError as error:
        for problem in error.errors():
            where = ".".join(map(str, problem["loc"])) or "(root)"
            typer.echo(f"{file}: {where}: {problem['msg']}", err=True)
        raise typer.Exit(2) from None
    asyncio.run(admin.create_process(definition, admin.settings_for(data)))
    typer.echo(json.dumps({"process_id": definition.id, "aspirants": len(definition.aspirants)}))


@process_app.command("reverify")
def process_reverify(
    process_id: Annotated[str, typer.Argument(help="the process's id")],
    cut: Annotated[datetime, typer.Option("--cut", formats=["%Y-%m-%d"], help="YYYY-MM-DD")],
    batch: Annotated[int, typer.Option("--batch", min=1, max=5000)] = 500,
    data: DataOpt = None,
) -> None:
    """Judge every support of the process again against a loaded cut and switch the process to
    it; only the outcomes that change are published. Safe to run again (resumes, then no-op)."""
    from apoyo.reverify import reverify_process
    from apoyo_verification.book import UnknownProcess
    from apoyo_verification.ports import UnknownCut

    settings = admin.settings_for(data)
    try:
        report = asyncio.run(reverify_process(settings, process_id, cut.date(), batch))
    except UnknownProcess:
        typer.echo(f"{process_id}: proceso desconocido para la verificación", err=True)
        raise typer.Exit(1) from None
    except UnknownCut:
        typer.echo(f"{cut.date()}: ese corte no está cargado (apoyo voter-roll load)", err=True)
        raise typer.Exit(1) from None
    line = {"process_id": process_id, "cut": cut.date().isoformat(), **vars(report)}
    typer.echo(json.dumps(line))
    if report.unfinished:
        raise typer.Exit(3)


@process_app.command("purge")
def process_purge(
    process_id: Annotated[str, typer.Argument(help="the process's id")], data: DataOpt = None
) -> None:
    """Destroy the process's data key, delete its evidence and personal rows in every service,
    keep the aggregates; print the signed record. Refused before the capture, its upload grace
    and the hearing are over, and while the review desk has open items (docs/security.md)."""
    from apoyo.purge.deployment import purge_process
    from apoyo.purge.rules import PurgeRefused

    try:
        record = asyncio.run(purge_process(admin.settings_for(data), process_id))
    except PurgeRefused as refusal:
        typer.echo(str(refusal), err=True)
        raise typer.Exit(1) from None
    typer.echo(json.dumps(record, ensure_ascii=False, sort_keys=True))


@keys_app.command("rotate")
def keys_rotate(data: DataOpt = None) -> None:
    """A new key-encryption key becomes current; every data key is wrapped with it again."""
    from apoyo.kek import KeysRefused, rotate

    try:
        typer.echo(json.dumps(asyncio.run(rotate(admin.settings_for(data)))))
    except KeysRefused as refusal:
        typer.echo(str(refusal), err=True)
        raise typer.Exit(1) from None


@keys_app.command("retire")
def keys_retire(
    kek_id: Annotated[str, typer.Argument(help="an earlier KEK's id")], data: DataOpt = None
) -> None:
    """Drop an earlier key-encryption key from the key file once no data key uses it."""
    from apoyo.kek import KeysRefused, retire

    try:
        typer.echo(json.dumps(asyncio.run(retire(admin.settings_for(data), kek_id))))
    except KeysRefused as refusal:
        typer.echo(str(refusal), err=True)
        raise typer.Exit(1) from None


@token_app.command("issue")
def token_issue(
    role: Annotated[Role, typer.Option("--role")],
    process: Annotated[str | None, typer.Option("--process")] = None,
    aspirant: Annotated[str | None, typer.Option("--aspirant")] = None,
    ttl: Annotated[str, typer.Option("--ttl", help="e.g. 30m, 12h, 7d")] = "12h",
    subject: Annotated[str | None, typer.Option("--subject")] = None,
    data: DataOpt = None,
) -> None:
    """Print a bearer token signed by the deployment's key."""
    problem = admin.scope_problem(role, process, aspirant)
    if problem is not None:
        typer.echo(problem, err=True)
        raise typer.Exit(2)
    token = admin.issue_token(admin.settings_for(data), role, process, aspirant, ttl, subject)
    sys.stdout.write(token + "\n")


def keys_file(data: Path | None) -> Path:
    if data is not None:
        return token_keys_path(data.resolve())
    configured = Settings().token_keys_file
    if configured is None:
        typer.echo("set APOYO_TOKEN_KEYS_FILE (or give --data DIR); a keyring in APOYO_TOKEN_KEYS "
                   "is rotated by editing that secret", err=True)  # fmt: skip
        raise typer.Exit(2)
    return configured


@token_app.command("rotate")
def token_rotate(data: DataOpt = None) -> None:
    """Add a token key that signs from now on; earlier keys keep verifying until retired.
    Running services read the keyring at start: restart them."""
    sys.stdout.write(token_keys.rotate(keys_file(data)) + "\n")


@token_app.command("retire")
def token_retire(
    kid: Annotated[str, typer.Argument(help="the key id, e.g. k1")], data: DataOpt = None
) -> None:
    """Remove a key: every token it signed stops working (after the services restart)."""
    try:
        token_keys.retire(keys_file(data), kid)
    except ValueError as problem:
        typer.echo(str(problem), err=True)
        raise typer.Exit(2) from None


@token_app.command("revoke")
def token_revoke(
    subject: Annotated[str | None, typer.Option("--subject", help="every token of it")] = None,
    jti: Annotated[str | None, typer.Option("--jti", help="one token, by its id")] = None,
    token: Annotated[str | None, typer.Option("--token", help="one token, given whole")] = None,
    reason: Annotated[str, typer.Option("--reason")] = "",
    data: DataOpt = None,
) -> None:
    """Revoke tokens already issued: refused by every service within half a minute."""
    settings = admin.settings_for(data)
    try:
        kind, value = revoke.target_of(subject, jti, token, settings)
    except ValueError as problem:
        typer.echo(str(problem), err=True)
        raise typer.Exit(2) from None
    fresh = asyncio.run(revoke.revoke(settings, kind, value, reason))
    typer.echo(json.dumps({"revoked": kind, "value": value, "new": fresh}))


@roll_app.command("load")
def voter_roll_load(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="CSV, or CSV.gz")],
    cut: Annotated[datetime, typer.Option("--cut", formats=["%Y-%m-%d"], help="YYYY-MM-DD")],
    skip_invalid: Annotated[
        bool,
        typer.Option("--skip-invalid", help="load the valid rows, write the others to --rejects"),
    ] = False,
    rejects: Annotated[
        Path | None, typer.Option("--rejects", help="default FILE.rechazos.csv")
    ] = None,
    data: DataOpt = None,
) -> None:
    """Load a voter-roll cut (interfaces.md §4), replacing that cut atomically."""
    from apoyo.voter_roll import InvalidRoll, SwapBlocked, default_rejects, load_file

    settings = admin.settings_for(data)
    rejects = rejects or default_rejects(file)
    try:
        report = asyncio.run(load_file(settings, file, cut.date(), skip_invalid, rejects))
    except InvalidRoll as invalid:
        typer.echo(f"{file}: {invalid}", err=True)
        raise typer.Exit(1) from None
    except SwapBlocked:
        typer.echo(f"{file}: consultas largas ocuparon el padrón; no se cargó nada", err=True)
        raise typer.Exit(1) from None
    typer.echo(
        json.dumps(
            {"cut": report.cut.isoformat(), "rows": report.loaded, "rejected": report.rejected}
        )
    )


@roll_app.command("cuts")
def voter_roll_cuts(data: DataOpt = None) -> None:
    """The cuts loaded: date, rows and when, one JSON line each."""
    from apoyo.voter_roll import list_cuts

    for info in asyncio.run(list_cuts(admin.settings_for(data))):
        line = {
            "cut": info.cut.isoformat(),
            "rows": info.rows,
            "loaded_at": info.loaded_at.isoformat(),
        }
        typer.echo(json.dumps(line))


@identity_app.command("read")
def identity_read(
    images: Annotated[list[Path], typer.Argument(exists=True, dir_okay=False)],
) -> None:
    """Read each credential photo: MRZ, barcodes and flags, one JSON line per image."""
    from apoyo.identity_read import read_images

    for line in read_images(images):
        sys.stdout.write(line + "\n")


@certificate_app.command("verify")
def certificate_verify(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False)],
    public_key: Annotated[
        Path | None,
        typer.Option("--public-key", exists=True, dir_okay=False, help="the institute's PEM key"),
    ] = None,
    evidence: Annotated[
        Path | None,
        typer.Option("--evidence", exists=True, file_okay=False, help="folder of its images"),
    ] = None,
) -> None:
    """Check a support's certificate offline: exit 0 when intact, else one line per problem."""
    from apoyo.certificates import verify_file

    problems = verify_file(file, public_key, evidence)
    for problem in problems:
        typer.echo(problem, err=True)
    if problems:
        raise typer.Exit(1)
    if public_key is None:
        typer.echo(
            "íntegra (verificada con la llave que trae; fije la del instituto con --public-key)"
        )
    else:
        typer.echo("íntegra")


@export_app.command("verify")
def export_verify(
    package: Annotated[Path, typer.Argument(exists=True, dir_okay=False)],
    public_key: Annotated[
        Path | None,
        typer.Option("--public-key", exists=True, dir_okay=False, help="the institute's PEM key"),
    ] = None,
) -> None:
    """Check an export package offline: exit 0 when intact, else one line per problem."""
    from apoyo.exports import ok_line, verify_file

    verdict = verify_file(package, public_key)
    for problem in verdict.problems:
        typer.echo(problem, err=True)
    if not verdict.ok:
        raise typer.Exit(1)
    typer.echo(ok_line(verdict, public_key is not None))


@app.command("load")
def load_cmd(
    url: Annotated[str, typer.Option("--url", help="the capture service's base URL")],
    process: Annotated[str, typer.Option("--process")] = "gub-son-2027",
    aspirant: Annotated[list[str] | None, typer.Option("--aspirant", help="repeatable")] = None,
    rate: Annotated[float, typer.Option("--rate", min=0, help="supports/s; 0: flat out")] = 0,
    count: Annotated[int | None, typer.Option("--count", min=1)] = None,
    duration: Annotated[float | None, typer.Option("--duration", min=1, help="seconds")] = None,
    concurrency: Annotated[int, typer.Option("--concurrency", min=1, max=1000)] = 16,
    timeout: Annotated[float, typer.Option("--timeout", min=0.1, help="seconds a request")] = 10,
    retries: Annotated[int, typer.Option("--retries", min=0, max=10)] = 0,
    auxiliaries: Annotated[int, typer.Option("--auxiliaries", min=1, max=10000)] = 20,
    images: Annotated[int, typer.Option("--images", min=1, max=1000)] = 12,
    drain: Annotated[float, typer.Option("--drain", min=0, help="seconds to wait")] = 120,
    every: Annotated[float, typer.Option("--every", min=0.5, help="seconds a line")] = 5,
    metrics: Annotated[
        list[str] | None, typer.Option("--metrics", help="SERVICE=URL whose /metrics to read")
    ] = None,
    report: Annotated[
        Path | None, typer.Option("--report", help="write the figures as JSON")
    ] = None,
    data: DataOpt = None,
) -> None:
    """Post synthetic supports at a rate for a count or a duration; report answers, latencies,
    per-stage times and the backlog as it drains (docs/operations.md)."""
    from apoyo.load import Plan
    from apoyo.load_report import Target, run_load

    if count is None and duration is None:
        raise typer.BadParameter("diga cuántos (--count) o por cuánto tiempo (--duration)")
    pairs = [m.split("=", 1) for m in metrics or []]
    if any(len(p) != 2 for p in pairs):
        raise typer.BadParameter("--metrics lleva SERVICIO=URL")
    plan = Plan(rate, count, duration, concurrency, timeout, retries)
    target = Target(
        url, process, tuple(aspirant or ["asp-01"]), auxiliaries, images=images,
        every_s=every, drain_s=drain, metrics=dict(pairs),
    )  # fmt: skip
    configure_logging("WARNING", "load")
    asyncio.run(run_load(admin.settings_for(data), target, plan, typer.echo, report))


@access_app.command("export")
def access_log_export(
    out: Annotated[Path, typer.Option("--out", dir_okay=False, help="the zip to write")],
    data: DataOpt = None,
) -> None:
    """Write every service's access log into one package signed with the institute's key."""
    from apoyo.access_log import NoSigningKey, export_logs

    try:
        manifest = asyncio.run(export_logs(admin.settings_for(data), out))
    except NoSigningKey:
        typer.echo("falta la llave del instituto (APOYO_SIGNING_KEY_FILE)", err=True)
        raise typer.Exit(2) from None
    typer.echo(json.dumps({"out": str(out), "logs": manifest["logs"]}))


@access_app.command("verify")
def access_log_verify(
    package: Annotated[
        Path | None, typer.Argument(exists=True, dir_okay=False, help="an exported log")
    ] = None,
    public_key: Annotated[
        Path | None,
        typer.Option("--public-key", exists=True, dir_okay=False, help="the institute's PEM key"),
    ] = None,
    against: Annotated[
        Path | None,
        typer.Option("--against", exists=True, dir_okay=False, help="an earlier export"),
    ] = None,
    data: DataOpt = None,
) -> None:
    """Check an exported log (PACKAGE), or else the deployment's own logs (optionally against
    an earlier export): exit 0 when intact, else one line per problem."""
    from apoyo.access_log import ok_line, verify_file, verify_live

    if package is not None:
        verdict = verify_file(package, public_key)
    else:
        verdict = asyncio.run(verify_live(admin.settings_for(data), against))
    for problem in verdict.problems:
        typer.echo(problem, err=True)
    if not verdict.ok:
        raise typer.Exit(1)
    typer.echo(ok_line(verdict))


@app.command("demo")
def demo_cmd(
    supports: Annotated[int, typer.Option("--supports", min=1, max=5000)] = 60,
    out: Annotated[Path, typer.Option("--out")] = Path("demo-out"),
) -> None:
    """Everything, embedded: a synthetic process, supports over HTTP, the pipeline, a summary."""
    from apoyo.demo import NotADemoFolder, run_demo

    configure_logging("WARNING", "demo")
    try:
        raise typer.Exit(asyncio.run(run_demo(supports, out)))
    except NotADemoFolder as error:
        typer.echo(
            f"{error} existe y no es de una demostración anterior: elija otro --out", err=True
        )
        raise typer.Exit(2) from None


def main() -> None:
    app()
