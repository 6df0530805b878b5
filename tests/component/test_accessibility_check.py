"""The accessibility helper itself, on two small pages in Debian's Chromium: it finds what is
wrong on a bad page and passes a good one, under the strict Content-Security-Policy our pages
send (so the check does not depend on the page letting scripts in)."""

import pytest
from playwright.sync_api import BrowserContext

from tests.component.accessibility import assert_accessible, violations

pytestmark = [pytest.mark.component, pytest.mark.browser]
CSP = (
    '<meta http-equiv="Content-Security-Policy" '
    "content=\"default-src 'self'; script-src 'self'\">"
)
GOOD = (
    f'<!doctype html><html lang="es"><head>{CSP}<title>Bien</title></head><body><main>'
    '<h1>Bien</h1><label for="n">Nombre</label><input id="n"><img src="data:," alt="Logo">'
    "</main></body></html>"
)
BAD = f'<!doctype html><html><head>{CSP}</head><body><input id="n"><img src="data:,"></body></html>'


def test_a_bad_page_is_reported_rule_by_rule(context: BrowserContext) -> None:
    page = context.new_page()
    page.set_content(BAD)
    found = {v["id"] for v in violations(page)}
    assert {"html-has-lang", "document-title", "image-alt", "label"} <= found
    with pytest.raises(AssertionError, match="image-alt"):
        assert_accessible(page)


def test_a_good_page_passes_and_parts_can_be_left_out(context: BrowserContext) -> None:
    page = context.new_page()
    page.set_content(GOOD)
    assert_accessible(page)
    page.set_content(BAD.replace("<html>", '<html lang="es">').replace("<body>", "<body><main>"))
    assert "image-alt" not in {v["id"] for v in violations(page, exclude=["img"])}
