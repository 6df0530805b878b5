"""The demo's supports sent with a problem on purpose, and the table of what became of them.

With only good photos the demo's summary would never show an evidence flag. So the last
supports of a run each carry one problem that docs/evidence-checks.md measures (a photocopy, a
photo of a screen, a back too blurred to read, the photos of an earlier support sent again
with another citizen's data), and the demo prints what identity read and flagged and what
verification decided for them, beside one good support.
"""

import json
from collections.abc import Callable
from dataclasses import dataclass

import asyncpg
from rich.table import Table

from apoyo.client import support_files
from apoyo.synthetic import credential, photos
from apoyo.synthetic.people import Citizen

Files = dict[str, tuple[str, bytes, str]]
Sides = tuple[bytes, bytes]
FEWEST = 10  # a shorter run sends only good supports: the problems would be most of it
ORIGINAL = "ninguno (el primer apoyo)"


def photo_seed(index: int) -> int:
    """The seed of the demo's index-th support's photos (the back's is the next one)."""
    return 1000 + 2 * index


def _photocopy(person: Citizen, seed: int) -> Sides:
    return (
        photos.photocopy(credential.front(person), seed),
        photos.photocopy(credential.back(person), seed + 1),
    )


def _screen(person: Citizen, seed: int) -> Sides:
    return (
        photos.screen_photo(credential.front(person), seed),
        photos.phone_photo(credential.back(person), level=1, seed=seed + 1),
    )


def _blurred_back(person: Citizen, seed: int) -> Sides:
    return (
        photos.phone_photo(credential.front(person), level=1, seed=seed),
        photos.blurry(credential.back(person), seed + 1),
    )


# What the demo's table calls each problem (Spanish: the operator reads it), and its photos.
PROBLEMS: dict[str, Callable[[Citizen, int], Sides]] = {
    "fotocopia": _photocopy,
    "foto de una pantalla": _screen,
    "reverso borroso": _blurred_back,
}
REUSED = "las fotos del primer apoyo"


def problems_by_index(count: int) -> dict[int, str]:
    """The last supports of a run of at least FEWEST, one problem each."""
    if count < FEWEST:
        return {}
    names = [*PROBLEMS, REUSED]
    return {count - len(names) + k: name for k, name in enumerate(names)}


def shown(count: int) -> dict[int, str]:
    """The supports the evidence table shows: the first (whose photos are reused) and those
    sent with a problem."""
    problems = problems_by_index(count)
    return {0: ORIGINAL} | problems if problems else {}


def demo_files(index: int, people: list[Citizen], count: int) -> Files:
    """The files of the demo's index-th support: good photos, or those of its problem.

    The reused photos are those of the run's first support, sent with this citizen's data and
    signature: the same pictures under another name, as in 2018's simulated credentials.
    """
    person, seed = people[index], photo_seed(index)
    files = support_files(person, seed)
    problem = problems_by_index(count).get(index)
    if problem == REUSED:
        sides = _sides(support_files(people[0], photo_seed(0)))
    elif problem is not None:
        sides = PROBLEMS[problem](person, seed)
    else:
        return files
    files["credential_front"] = ("front.jpg", sides[0], "image/jpeg")
    files["credential_back"] = ("back.jpg", sides[1], "image/jpeg")
    return files


def _sides(files: Files) -> Sides:
    return files["credential_front"][1], files["credential_back"][1]


@dataclass(frozen=True)
class Outcome:
    sent: str
    mrz_read: bool | None  # None: identity has not recorded the support
    flags: tuple[str, ...]
    status: str
    reasons: tuple[str, ...]


OUTCOMES = """
SELECT s.support_id, s.status, s.reasons, d.flags, d.output->'mrz' <> 'null'::jsonb AS mrz
FROM capture.supports s LEFT JOIN identity.decodings d USING (support_id)
WHERE s.support_id = ANY($1::text[])
"""


async def outcomes(dsn: str, sent: dict[str, str]) -> list[Outcome]:
    """What identity and verification made of each support in `sent` (id to what was sent)."""
    conn = await asyncpg.connect(dsn)
    try:
        rows = {row["support_id"]: row for row in await conn.fetch(OUTCOMES, list(sent))}
    finally:
        await conn.close()
    return [_outcome(label, rows.get(support_id)) for support_id, label in sent.items()]


def _outcome(label: str, row: asyncpg.Record | None) -> Outcome:
    if row is None:
        return Outcome(label, None, (), "sin registro", ())
    flags = tuple(_json_list(row["flags"]))
    return Outcome(label, row["mrz"], flags, row["status"], tuple(_json_list(row["reasons"])))


def _json_list(text: str | None) -> list[str]:
    """A jsonb list as asyncpg hands it over without a codec (text); NULL where identity has
    not recorded the support yet."""
    return [] if text is None else [str(item) for item in json.loads(text)]


def outcomes_table(found: list[Outcome]) -> Table:
    table = Table(title="Evidencia: apoyos enviados con un problema a propósito")
    for column in ("problema enviado", "MRZ leída", "banderas de identidad", "estado (motivos)"):
        table.add_column(column)
    for item in found:
        read = {True: "sí", False: "no", None: "—"}[item.mrz_read]
        reasons = f" ({', '.join(item.reasons)})" if item.reasons else ""
        table.add_row(item.sent, read, ", ".join(item.flags) or "—", item.status + reasons)
    return table
