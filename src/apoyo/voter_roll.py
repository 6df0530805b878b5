"""`apoyo voter-roll`: load a cut from a file with a progress bar, list the cuts loaded."""

import csv
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import asyncpg
from rich.console import Console
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn

from apoyo_common.db import create_pool, migrate
from apoyo_common.runtime import utcnow
from apoyo_common.settings import Settings
from apoyo_verification.adapters.book_postgres import PgAnnouncements, PgProcesses
from apoyo_verification.adapters.postgres import PgVoterRoll, SwapBlocked
from apoyo_verification.ports import CutInfo, VoterRoll
from apoyo_verification.roll.loading import InvalidRoll, LoadReport, Reject, load_roll
from apoyo_verification.roll.rows import COLUMNS, RowError
from apoyo_verification.territory import Territories

err = Console(stderr=True)


def default_rejects(path: Path) -> Path:
    return path.with_name(path.name.removesuffix(".gz").removesuffix(".csv") + ".rechazos.csv")


def print_reject(line: int, errors: list[RowError], fields: Sequence[str] | None) -> None:
    for error in errors:
        err.print(str(error), markup=False, highlight=False)


@contextmanager
def rejects_file(path: Path) -> Iterator[Reject]:
    """Rejected rows with their line and problems, then the row as read, to fix and reload."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(("linea", "errores", *COLUMNS))

        def write(line: int, errors: list[RowError], fields: Sequence[str] | None) -> None:
            problems = "; ".join(f"{e.column or 'fila'}: {e.reason}" for e in errors)
            writer.writerow((line, problems, *(fields or ())))
            if line == 1:  # a wrong header stops the load: say why right away
                print_reject(line, errors, fields)

        yield write


def progress_bar() -> Progress:
    return Progress(
        TextColumn("Cargando el corte"),
        BarColumn(),
        DownloadColumn(),
        TextColumn("{task.fields[rows]:,} filas"),
        TimeRemainingColumn(),
        console=err,
    )


async def load_into(
    roll: VoterRoll, path: Path, cut: date, reject: Reject, skip_invalid: bool
) -> LoadReport:
    with progress_bar() as bar:
        task = bar.add_task("", total=path.stat().st_size, rows=0)
        return await load_roll(
            roll,
            path,
            cut,
            reject,
            skip_invalid,
            lambda done, rows: bar.update(task, completed=done, rows=rows),
        )


async def load_file(
    settings: Settings, path: Path, cut: date, skip_invalid: bool, rejects: Path | None
) -> LoadReport:
    """Raises InvalidRoll (after each bad row was printed or written) when nothing loaded."""
    pool = await create_pool(settings.database_url, 2)
    try:
        await migrate(pool, "verification", "apoyo_verification")
        roll = PgVoterRoll(pool)
        if not skip_invalid:
            report = await load_into(roll, path, cut, print_reject, skip_invalid)
        else:
            with rejects_file(rejects or default_rejects(path)) as reject:
                report = await load_into(roll, path, cut, reject, skip_invalid)
        await announce_cut(pool, roll, cut)
        return report
    finally:
        await pool.close()


async def announce_cut(pool: asyncpg.Pool, roll: VoterRoll, cut: date) -> None:
    """Every process judged against the cut just loaded gets its `process.cells` anew (sent by
    the running verification service's outbox relay)."""
    territories = Territories(roll, PgAnnouncements(pool), utcnow)
    for process in await PgProcesses(pool).with_cut(cut):
        await territories.announce(process)


async def list_cuts(settings: Settings) -> list[CutInfo]:
    pool = await create_pool(settings.database_url, 2)
    try:
        await migrate(pool, "verification", "apoyo_verification")
        return await PgVoterRoll(pool).cuts()
    finally:
        await pool.close()


__all__ = ["InvalidRoll", "SwapBlocked", "list_cuts", "load_file"]
