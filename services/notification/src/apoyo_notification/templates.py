"""The package's Spanish templates (`templates/NAME.txt` and `.html`), filled in.

Every value is escaped in the HTML part; only fragments built here from escaped values
(lists, table rows) are inserted as they are.
"""

import html
from collections.abc import Iterable, Mapping
from functools import cache
from importlib.resources import files
from string import Template


@cache
def template(name: str) -> Template:
    return Template((files(__package__) / "templates" / name).read_text(encoding="utf-8"))


def render(
    name: str, values: Mapping[str, str], fragments: Mapping[str, str] | None = None
) -> tuple[str, str]:
    """The text and HTML bodies; `fragments` are HTML already safe, for the HTML only."""
    text = template(f"{name}.txt").substitute(values)
    escaped = {key: html.escape(value) for key, value in values.items()}
    return text, template(f"{name}.html").substitute({**escaped, **(fragments or {})})


def html_list(items: Iterable[str]) -> str:
    rows = "".join(f"<li>{html.escape(item)}</li>" for item in items)
    return f"<ul>{rows}</ul>" if rows else ""


def html_rows(pairs: Iterable[tuple[str, str]]) -> str:
    return "\n".join(
        f'<tr><th scope="row">{html.escape(k)}</th><td>{html.escape(v)}</td></tr>' for k, v in pairs
    )
