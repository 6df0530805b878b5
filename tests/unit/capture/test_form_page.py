"""The citizen form's HTML: it holds under its strict CSP (no inline code or style), every
control has a label and its messages tied to it, the consent shown is the consent hashed,
and the steps follow the process (selfie) and the entry (e-mail code on the campaign link)."""

import re
from html import unescape
from html.parser import HTMLParser

from apoyo_capture.consent import consent_sha256, consent_text
from apoyo_capture.http.form_page import form_html
from apoyo_capture.http.pages import CSP, page
from tests.factories import process


class Collected(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: dict[str, str] = {}
        self._open: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        self.tags.append((tag, found))
        self._open = found.get("id")

    def handle_data(self, data: str) -> None:
        if self._open:
            self.text[self._open] = self.text.get(self._open, "") + data


def parsed(html: str) -> Collected:
    collected = Collected()
    collected.feed(html)
    return collected


def steps(html: str) -> list[str]:
    return [
        a["data-step"] or "" for t, a in parsed(html).tags if t == "section" and "data-step" in a
    ]


def test_the_page_holds_under_its_csp() -> None:
    response = page(200, "Dé su apoyo", form_html(process(), "asp-01", "Uno"), script=True)
    html = bytes(response.body).decode()
    assert response.headers["content-security-policy"] == CSP
    assert "'unsafe-inline'" not in CSP and "default-src 'self'" in CSP
    for tag, attrs in parsed(html).tags:
        assert "style" not in attrs, tag
        assert not any(name.startswith("on") for name in attrs), tag
        if tag == "script":
            assert attrs.get("src") == "/static/form.js"
    assert "<style" not in html


def test_every_control_is_labelled_and_its_messages_tied_to_it() -> None:
    collected = parsed(form_html(process(require_selfie=True), "asp-01", "Uno"))
    labels = {a.get("for") for t, a in collected.tags if t == "label"}
    ids = {a.get("id") for _, a in collected.tags}
    controls = [a for t, a in collected.tags if t == "input"]
    assert len(controls) > 10
    for attrs in controls:
        assert attrs["id"] in labels, attrs
        described = (attrs.get("aria-describedby") or "").split()
        if attrs.get("type") != "radio":
            assert f"{attrs['id']}-error" in described, attrs
        assert all(one in ids for one in described), attrs
    alerts = [a for _, a in collected.tags if a.get("role") in ("alert", "status")]
    assert {a.get("aria-live") for a in alerts} == {"assertive", "polite"}


def test_the_consent_shown_is_the_consent_hashed() -> None:
    definition = process()
    html = form_html(definition, "asp-02", "Dos", "31/12/2026 23:59 UTC")
    collected = parsed(html)
    assert unescape(collected.text["consent-text"]) == consent_text(definition, "asp-02")
    form = next(a for _, a in collected.tags if a.get("id") == "form")
    assert form["data-consent-sha256"] == consent_sha256(definition, "asp-02")
    assert form["data-entry"] == "invitation" and "31/12/2026" in html


def test_the_steps_follow_the_process_and_the_entry() -> None:
    plain = ["consent", "names", "ids", "photos", "signature", "review", "done"]
    assert steps(form_html(process(), "asp-01", "Uno", "x")) == plain
    with_selfie = steps(form_html(process(require_selfie=True), "asp-01", "Uno", "x"))
    assert with_selfie == [*plain[:4], "selfie", *plain[4:]]
    campaign = form_html(process(), "asp-01", "Uno")
    assert steps(campaign) == ["email", *plain]
    assert re.search(r'data-entry="campaign"', campaign) and "24 horas" in campaign
