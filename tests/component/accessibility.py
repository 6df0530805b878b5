"""The automated accessibility check of the browser tests: axe-core (the version
tests/axe/package-lock.json pins, installed by scripts/bootstrap.sh) run inside a Playwright page.

The script goes in through the DevTools protocol (`page.evaluate`), which the pages' strict
Content-Security-Policy does not govern, so the pages are checked as they are served.
"""

import os
from functools import cache
from typing import Any

import pytest
from playwright.sync_api import Page

from tests.paths import ROOT

AXE = ROOT / "tests" / "axe" / "node_modules" / "axe-core" / "axe.min.js"
# WCAG 2.1 levels A and AA: what Mexican public-sector accessibility guidance asks of web pages.
STANDARDS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@cache
def _axe_source() -> str:
    if not AXE.exists():
        if os.environ.get("CI"):
            pytest.fail("axe-core is missing: scripts/bootstrap.sh installs it (tests/axe)")
        pytest.skip("axe-core is not installed: run scripts/bootstrap.sh (npm ci in tests/axe)")
    return AXE.read_text(encoding="utf-8")


def violations(page: Page, exclude: list[str] | None = None) -> list[dict[str, Any]]:
    """What axe finds wrong on the page as it is now (WCAG 2.1 A and AA rules)."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(_axe_source() + "\n;undefined")
    found: list[dict[str, Any]] = page.evaluate(
        """async ([standards, exclude]) => {
            const context = exclude.length ? { exclude: exclude.map((s) => [s]) } : document;
            const result = await window.axe.run(context, {
                runOnly: { type: "tag", values: standards },
                resultTypes: ["violations"],
            });
            return result.violations.map((v) => ({
                id: v.id, impact: v.impact, help: v.help,
                targets: v.nodes.map((n) => n.target.join(" ")),
            }));
        }""",
        [STANDARDS, exclude or []],
    )
    return found


def assert_accessible(page: Page, exclude: list[str] | None = None) -> None:
    """Fail with each rule broken, its impact and the elements that break it."""
    found = violations(page, exclude)
    lines = [f"{v['id']} ({v['impact']}): {v['help']} -> {v['targets']}" for v in found]
    assert not found, "accessibility violations on " + page.url + ":\n" + "\n".join(lines)
