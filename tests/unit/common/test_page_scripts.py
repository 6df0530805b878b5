"""The pages' scripts put what the server sent (names, notes, arguments: anything a person
typed) into the page as text only, so a name like `<img onerror=…>` shows as those characters.
A script that parses strings as HTML or code would undo the escaping the server does."""

import re
from pathlib import Path

import pytest

from tests.paths import ROOT

SCRIPTS = sorted(ROOT.glob("services/*/src/*/static/*.js")) + sorted(
    ROOT.glob("services/*/src/*/http/static/*.js")
)
AS_HTML_OR_CODE = re.compile(
    r"\.(innerHTML|outerHTML)\s*[+]?=|insertAdjacentHTML|document\.write|\beval\s*\(|new Function"
)


def test_there_are_page_scripts_to_check() -> None:
    assert len(SCRIPTS) >= 5


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.name)
def test_a_page_script_never_parses_strings_as_html_or_code(script: Path) -> None:
    assert AS_HTML_OR_CODE.findall(script.read_text("utf-8")) == []


def test_the_check_sees_html_assignments() -> None:
    assert AS_HTML_OR_CODE.findall("cell.innerHTML = name; p.insertAdjacentHTML('x', n)")
