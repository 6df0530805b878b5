"""The demo's supports sent with a problem: the problem's photos raise the flag that the
demo's evidence table is there to show, and the table says what was sent and decided."""

import pytest
from rich.console import Console

from apoyo.demo_evidence import (
    FEWEST,
    ORIGINAL,
    PROBLEMS,
    REUSED,
    Outcome,
    demo_files,
    outcomes_table,
    problems_by_index,
    shown,
)
from apoyo.synthetic.people import make_citizens
from apoyo_identity.analysis import analyse_support
from apoyo_identity.domain import support_flags

COUNT = 60
PEOPLE = make_citizens(COUNT)
FLAGGED_BY = {
    "fotocopia": {"PHOTOCOPY"},
    "foto de una pantalla": {"SCREEN_PHOTO"},
    "reverso borroso": {"NO_MRZ"},
}


def test_short_runs_send_only_good_supports() -> None:
    assert problems_by_index(FEWEST - 1) == {}
    assert shown(FEWEST - 1) == {}


def test_the_last_supports_carry_one_problem_each() -> None:
    problems = problems_by_index(COUNT)
    assert sorted(problems.values()) == sorted([*PROBLEMS, REUSED])
    assert sorted(problems) == list(range(COUNT - len(problems), COUNT))
    assert shown(COUNT) == {0: ORIGINAL} | problems


@pytest.mark.parametrize("problem", sorted(PROBLEMS))
def test_each_problems_photos_raise_its_flag(problem: str) -> None:
    index = next(i for i, name in problems_by_index(COUNT).items() if name == problem)
    files = demo_files(index, PEOPLE, COUNT)
    images = {kind: content for kind, (_, content, _) in files.items()}
    flags = set(support_flags(analyse_support(images), reused=False))
    assert FLAGGED_BY[problem] <= flags


def test_a_good_support_raises_no_flag() -> None:
    files = demo_files(1, PEOPLE, COUNT)
    images = {kind: content for kind, (_, content, _) in files.items()}
    assert support_flags(analyse_support(images), reused=False) == ()


def test_the_reused_support_sends_the_first_ones_photos_with_its_own_signature() -> None:
    index = next(i for i, name in problems_by_index(COUNT).items() if name == REUSED)
    first, reused = demo_files(0, PEOPLE, COUNT), demo_files(index, PEOPLE, COUNT)
    for side in ("credential_front", "credential_back"):
        assert reused[side][1] == first[side][1]
    assert reused["signature"][1] != first["signature"][1]


def test_the_table_says_what_was_sent_read_flagged_and_decided() -> None:
    found = [
        Outcome("fotocopia", True, ("GRAYSCALE", "PHOTOCOPY"), "INCONSISTENCIA", ("FOTOCOPIA",)),
        Outcome("reverso borroso", None, (), "sin registro", ()),
    ]
    console = Console(width=200, record=True)
    console.print(outcomes_table(found))
    lines = console.export_text().splitlines()
    rows = [[cell.strip() for cell in line.split("│")[1:-1]] for line in lines if "│" in line]
    assert rows == [
        ["fotocopia", "sí", "GRAYSCALE, PHOTOCOPY", "INCONSISTENCIA (FOTOCOPIA)"],
        ["reverso borroso", "—", "—", "sin registro"],
    ]
