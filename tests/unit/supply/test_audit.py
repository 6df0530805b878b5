"""The dependency audit's decisions (scripts/audit.py): what fails, what an ignore needs, and
what the project's PyPI page can and cannot settle."""

import importlib.util
import json
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest

from tests.paths import ROOT


def load() -> ModuleType:
    spec = importlib.util.spec_from_file_location("audit", ROOT / "scripts" / "audit.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


audit = load()


def client(page: dict[str, Any]) -> httpx.Client:
    def answer(request: httpx.Request) -> httpx.Response:
        assert request.url.path == "/pypi/example/json"
        return httpx.Response(200, content=json.dumps(page))

    return httpx.Client(transport=httpx.MockTransport(answer))


def page(latest: str, vulns: list[dict[str, Any]], yanked: bool = False) -> dict[str, Any]:
    files = [{"filename": "example.whl", "yanked": yanked, "yanked_reason": "broken"}]
    return {"info": {"version": latest}, "releases": {"1.0": files}, "vulnerabilities": vulns}


def test_pip_audit_findings_and_skips_are_read() -> None:
    report = {
        "dependencies": [
            {"name": "a", "version": "1.0", "vulns": [{"id": "PYSEC-1", "fix_versions": ["1.1"]}]},
            {"name": "b", "skip_reason": "Dependency not found on PyPI"},
            {"name": "c", "version": "2.0", "vulns": []},
        ]
    }
    findings, skipped = audit.from_pip_audit(report, {"b": "3.0"})
    assert [f.line() for f in findings] == ["a 1.0: PYSEC-1 (fixed in 1.1)"]
    assert skipped == ["b"]


def test_the_latest_release_is_settled_by_its_page() -> None:
    vulns: list[dict[str, Any]] = [
        {"id": "GHSA-x", "fixed_in": [], "withdrawn": None},
        {"id": "GHSA-old", "fixed_in": ["1.1"], "withdrawn": "2026-01-01"},
    ]
    found = audit.from_project_page(client(page("1.0", vulns)), "example", "1.0")
    assert [f.advisory for f in found] == ["GHSA-x"]
    assert audit.from_project_page(client(page("1.0", [])), "example", "1.0") == []


def test_an_older_pin_is_not_audited_unless_yanked() -> None:
    assert audit.from_project_page(client(page("2.0", [])), "example", "1.0") is None
    [yanked] = audit.from_project_page(client(page("2.0", [], yanked=True)), "example", "1.0")
    assert yanked.advisory == "YANKED: broken"


def test_an_ignore_needs_a_reason(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    listed = tmp_path / "audit-ignore.toml"
    monkeypatch.setattr(audit, "IGNORES", listed)
    listed.write_text('[[ignore]]\nid = "PYSEC-1"\npackage = "a"\nreason = "not reachable"\n')
    assert audit.ignored() == {"PYSEC-1": "not reachable"}
    listed.write_text('[[ignore]]\nid = "PYSEC-1"\npackage = "a"\n')
    with pytest.raises(SystemExit):
        audit.ignored()


def test_the_shipped_ignore_list_is_valid() -> None:
    assert all(reason for reason in audit.ignored().values())
