"""A package is built, tampered with in each way, and each problem is named exactly."""

import base64
from collections.abc import Callable
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from apoyo_common.signing import key_id
from apoyo_export.verify import verify_package
from tests.unit.export.packages import KEY, build, lines_changed, rewrite

Change = Callable[[dict[str, bytes]], dict[str, bytes]]
FRONT = "evidence/s-002/credential_front.jpg"


@pytest.fixture
def package(tmp_path: Path) -> Path:
    path = tmp_path / "paquete.zip"
    build(path, 5)
    return path


def problems_after(package: Path, change: Change) -> list[str]:
    rewrite(package, change)
    return verify_package(package, KEY.public_key()).problems


def test_an_intact_package_verifies(package: Path) -> None:
    verdict = verify_package(package, KEY.public_key())
    assert verdict.problems == []
    assert verdict.summary().startswith("Paquete íntegro: 5 apoyos")


def test_an_altered_file_is_named(package: Path) -> None:
    found = problems_after(package, lambda e: e | {FRONT: e[FRONT] + b"x"})
    assert found == [f"archivo alterado: {FRONT}"]


def test_a_missing_file_is_named(package: Path) -> None:
    found = problems_after(package, lambda e: {k: v for k, v in e.items() if k != FRONT})
    assert found == [f"archivo faltante: {FRONT}"]


def test_an_added_file_is_named(package: Path) -> None:
    found = problems_after(package, lambda e: e | {"evidence/s-002/extra.jpg": b"x"})
    assert found == ["archivo agregado: evidence/s-002/extra.jpg"]


def _altered(line: bytes) -> bytes:
    return line.replace(b"NO_ENCONTRADO", b"EN_LISTA_NOMINAL").replace(b"BAJA", b"EN_LISTA_NOMINAL")


Lines = list[bytes]


def _alter(ls: Lines) -> Lines:
    return [*ls[:2], _altered(ls[2]), *ls[3:]]


def _remove(ls: Lines) -> Lines:
    return [ls[0], *ls[2:]]


def _insert(ls: Lines) -> Lines:
    return [*ls, ls[1]]


def _reorder(ls: Lines) -> Lines:
    return [ls[0], ls[2], ls[1], *ls[3:]]


RECORD_CASES: dict[str, tuple[Callable[[Lines], Lines], str]] = {
    "altered": (_alter, "registro alterado: {t} línea {n3}"),
    "removed": (_remove, "registro eliminado: {t} número 2"),
    "inserted": (_insert, "registro insertado: {t} línea {n6}"),
    "reordered": (_reorder, "registro fuera de orden: {t} línea {n2}"),
}


@pytest.mark.parametrize("case", sorted(RECORD_CASES))
def test_a_tampered_record_in_the_jsonl_is_named(package: Path, case: str) -> None:
    change, problem = RECORD_CASES[case]
    found = problems_after(package, lines_changed("supports.jsonl", change))
    named = problem.format(t="supports.jsonl", n2=2, n3=3, n6=6)
    assert found == ["archivo alterado: supports.jsonl", named]


@pytest.mark.parametrize("case", sorted(RECORD_CASES))
def test_a_tampered_row_in_the_csv_is_named(package: Path, case: str) -> None:
    change, problem = RECORD_CASES[case]

    def after_header(lines: list[bytes]) -> list[bytes]:
        return [lines[0], *change(lines[1:])]

    found = problems_after(package, lines_changed("supports.csv", after_header))
    named = problem.format(t="supports.csv", n2=3, n3=4, n6=7)  # line 1 is the header
    assert found == ["archivo alterado: supports.csv", named]


def test_a_broken_signature_is_named(package: Path) -> None:
    forged = base64.b64encode(KEY.sign(b"otro manifiesto"))
    assert problems_after(package, lambda e: e | {"manifest.sig": forged}) == [
        "firma no válida: manifest.sig"
    ]


def test_an_edited_manifest_breaks_the_signature(package: Path) -> None:
    def edit(e: dict[str, bytes]) -> dict[str, bytes]:
        return e | {"manifest.json": e["manifest.json"].replace(b'"supports":5', b'"supports":4')}

    assert "firma no válida: manifest.sig" in problems_after(package, edit)


def test_a_package_signed_by_another_key_is_unexpected(tmp_path: Path) -> None:
    other = Ed25519PrivateKey.generate()
    path = tmp_path / "otro.zip"
    build(path, 3, key=other)
    assert verify_package(path).problems == []  # consistent with the key it carries
    assert verify_package(path, KEY.public_key()).problems == [
        f"llave inesperada: public_key.pem es {key_id(other.public_key())}, "
        f"se esperaba {key_id(KEY.public_key())}",
        "firma no válida: manifest.sig",
    ]


def test_a_swapped_key_file_is_named(package: Path) -> None:
    from apoyo_common.signing import public_pem

    other = public_pem(Ed25519PrivateKey.generate().public_key())
    found = problems_after(package, lambda e: e | {"public_key.pem": other})
    assert found[0].startswith("llave inesperada: public_key.pem es ")
    assert found[1:] == ["archivo alterado: public_key.pem"]


def test_a_file_that_is_not_a_zip_is_named(tmp_path: Path) -> None:
    path = tmp_path / "roto.zip"
    path.write_bytes(b"no es zip")
    assert verify_package(path).problems == ["paquete ilegible: roto.zip: BadZipFile"]
