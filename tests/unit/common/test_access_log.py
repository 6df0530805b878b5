"""The access log's chain and its signed export: intact, and every kind of tampering named."""

import zipfile
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from apoyo_common.access.entries import Purpose, Read, entry_of
from apoyo_common.access.memory import InMemoryAccessLog
from apoyo_common.access.package import write_package
from apoyo_common.access.package_verify import verify_package
from apoyo_common.codes import Role
from apoyo_common.tokens import Principal
from tests.factories import NOW

KEY = Ed25519PrivateKey.generate()
REVIEWER = Principal(Role.OPLE, "ople:rev-1")


async def filled(entries: int = 5) -> InMemoryAccessLog:
    ticks = iter(range(100))
    log = InMemoryAccessLog(lambda: NOW + timedelta(seconds=next(ticks)))
    for i in range(entries):
        await log.record(Read.by(REVIEWER, Purpose.REVISION, "review_item", f"s-{i}"))
    return log


async def exported(tmp_path: Path) -> Path:
    target = tmp_path / "accesos.zip"
    await write_package(target, {"verification": await filled()}, KEY, NOW)
    return target


def rewritten(package: Path, path: str, change: Callable[[list[bytes]], list[bytes]]) -> None:
    """Rewrite one member of the zip, as someone without the key could."""
    with zipfile.ZipFile(package) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    lines = members[path].splitlines(keepends=True)
    members[path] = b"".join(change(lines))
    with zipfile.ZipFile(package, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)


async def test_an_entry_names_ids_and_subjects_only() -> None:
    entry = (await filled(1)).kept[0]
    assert entry.record() == {
        "seq": 1, "at": NOW.isoformat(), "subject": "ople:rev-1", "role": "ople",
        "purpose": "revision", "kind": "review_item", "support_ids": ["s-0"],
        "process_id": None, "aspirant_id": None, "chain": entry.chain,
    }  # fmt: skip
    assert entry_of(entry.record()) == entry


async def test_an_intact_export_verifies(tmp_path: Path) -> None:
    verdict = verify_package(await exported(tmp_path), KEY.public_key())
    assert verdict.ok, verdict.problems
    assert verdict.entries == {"verification": 5}


def _changed(lines: list[bytes]) -> list[bytes]:
    return [lines[0], lines[1].replace(b"s-1", b"s-9"), *lines[2:]]


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (_changed, "entrada alterada: verification número 2"),
        (lambda lines: [lines[0], *lines[2:]], "entrada eliminada: verification número 2"),
        (lambda lines: [lines[0], lines[2], lines[1], *lines[3:]],
         "entrada fuera de orden: verification número 2"),
        (lambda lines: lines[:-1], "cadena no coincide: verification termina en 4"),
    ],
)  # fmt: skip
async def test_tampering_is_caught(
    tmp_path: Path, change: Callable[[list[bytes]], list[bytes]], expected: str
) -> None:
    package = await exported(tmp_path)
    rewritten(package, "verification.jsonl", change)
    problems = verify_package(package, KEY.public_key()).problems
    assert "archivo alterado: verification.jsonl" in problems
    assert any(p.startswith(expected) for p in problems), problems


async def test_a_package_signed_by_another_key_is_caught(tmp_path: Path) -> None:
    other = Ed25519PrivateKey.generate()
    target = tmp_path / "otra.zip"
    await write_package(target, {"capture": await filled()}, other, NOW)
    problems = verify_package(target, KEY.public_key()).problems
    assert problems[0].startswith("llave inesperada: public_key.pem")
    assert "firma no válida: manifest.sig" in problems
    assert verify_package(target).ok  # its own key checks it: pin the institute's
