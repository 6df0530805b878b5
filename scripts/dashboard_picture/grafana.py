"""What Grafana does to a dashboard's JSON before and after asking Prometheus, as far as these
dashboards use it: template variables, `$__interval` and `$__rate_interval`, the query step,
legend names, the grid and reductions. Pure functions, but for reading the file."""

import json
import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# Grafana's grid: 24 columns, rows of 30 px separated by 8 px margins.
COLUMNS, ROW_PX, MARGIN_PX = 24, 30, 8
# The interval Grafana assumes between scrapes when the data source names none (ours does not:
# deploy/grafana/provisioning/datasources/prometheus.yml); it is also $__interval's floor.
DEFAULT_SCRAPE_S = 15.0
# Grafana's roundInterval (app/core/utils/kbn): below each bound, the interval it rounds to.
ROUNDING = [
    (1.5, 1), (3.5, 2), (7.5, 5), (12.5, 10), (17.5, 15), (25, 20), (45, 30), (90, 60),
    (210, 120), (450, 300), (750, 600), (1050, 900), (1500, 1200), (2700, 1800), (5400, 3600),
    (9000, 7200), (16200, 10800), (32400, 21600), (86400, 43200),
]  # fmt: skip
VARIABLE = re.compile(r"\$\{(\w+)\}|\$(\w+)")
LEGEND_LABEL = re.compile(r"\{\{\s*(\w+)\s*\}\}")
REGEX_SPECIAL = re.compile(r"([$^*{}\[\]'+?.()|])")


@dataclass(frozen=True)
class Box:
    """A panel's place on the page, in pixels."""

    left: float
    top: float
    width: float
    height: float


def place(grid: dict[str, int], page_width: float) -> Box:
    """Where Grafana puts a panel of gridPos `grid` on a page `page_width` pixels wide."""
    column = (page_width + MARGIN_PX) / COLUMNS
    return Box(
        left=grid["x"] * column,
        top=grid["y"] * (ROW_PX + MARGIN_PX),
        width=grid["w"] * column - MARGIN_PX,
        height=grid["h"] * (ROW_PX + MARGIN_PX) - MARGIN_PX,
    )


def page_height(panels: list[dict[str, Any]]) -> float:
    return max(place(p["gridPos"], 0).top + place(p["gridPos"], 0).height for p in panels)


def round_interval(seconds: float) -> float:
    for bound, rounded in ROUNDING:
        if seconds < bound:
            return float(rounded)
    return 86400.0 * max(1, round(seconds / 86400))


def interval(span_s: float, max_points: int, scrape_s: float = DEFAULT_SCRAPE_S) -> float:
    """`$__interval`: the span over the points a panel can show, rounded, at least a scrape."""
    return max(round_interval(span_s / max(max_points, 1)), scrape_s)


def rate_interval(interval_s: float, scrape_s: float = DEFAULT_SCRAPE_S) -> float:
    """`$__rate_interval`, as Grafana defines it: max($__interval + scrape, 4 × scrape)."""
    return max(interval_s + scrape_s, 4 * scrape_s)


def duration(seconds: float) -> str:
    """A PromQL duration: whole seconds are enough for these intervals."""
    return f"{max(1, round(seconds))}s"


def variable_value(values: list[str]) -> str:
    """A multi-value variable inside a regex matcher, as Grafana writes it for Prometheus:
    each value's regex characters escaped for the regex *and* for PromQL's string (so `.`
    becomes `\\.` in the query text), several joined as an alternation."""
    escaped = [REGEX_SPECIAL.sub(r"\\\\\1", v.replace("\\", "\\\\\\\\")) for v in values]
    return escaped[0] if len(escaped) == 1 else "(" + "|".join(escaped) + ")"


def substitute(expr: str, values: dict[str, list[str]], interval_s: float, rate_s: float) -> str:
    """The query Grafana sends: intervals and template variables replaced. A variable with no
    value left (no series yet) becomes a pattern that matches nothing, as Grafana's would."""
    builtins = {"__interval": duration(interval_s), "__rate_interval": duration(rate_s)}

    def value(match: re.Match[str]) -> str:
        name = match.group(1) or match.group(2)
        if name in builtins:
            return builtins[name]
        if name in values:
            return variable_value(values[name]) if values[name] else "^$"
        return match.group(0)

    return VARIABLE.sub(value, expr)


def load(path: Path) -> dict[str, Any]:
    board: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return board


def variables_of(board: dict[str, Any]) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = board.get("templating", {}).get("list", [])
    return found


def label_values_query(variable: dict[str, Any]) -> tuple[str, str]:
    """(selector, label) of a `label_values(selector, label)` variable."""
    query = variable["query"]
    text = query["query"] if isinstance(query, dict) else query
    found = re.fullmatch(r"\s*label_values\((?P<selector>.+),\s*(?P<label>\w+)\)\s*", text)
    if found is None:
        raise ValueError(f"variable {variable['name']}: only label_values(...) is supported")
    return found["selector"], found["label"]


def legend(form: str, labels: dict[str, str]) -> str:
    """A series' name from the target's legendFormat (a missing label gives nothing); without
    a format, the labels as Prometheus prints them."""
    if form and form != "__auto":
        return LEGEND_LABEL.sub(lambda m: labels.get(m.group(1), ""), form)
    name = labels.get("__name__", "")
    rest = ", ".join(f'{k}="{v}"' for k, v in sorted(labels.items()) if k != "__name__")
    return f"{name}{{{rest}}}" if rest else name or "{}"


def reduce(values: list[float], calc: str) -> float | None:
    """A legend or stat reduction over a series' values (NaN counts as null)."""
    present = [v for v in values if not math.isnan(v)]
    if not present:
        return None
    reducers = {"lastNotNull": lambda: present[-1], "last": lambda: present[-1]}
    reducers |= {"max": lambda: max(present), "min": lambda: min(present)}
    reducers |= {"mean": lambda: sum(present) / len(present), "sum": lambda: sum(present)}
    if calc not in reducers:
        raise ValueError(f"reduction {calc} not supported")
    return reducers[calc]()


CALC_TITLES = {"lastNotNull": "Last *", "last": "Last", "max": "Max", "min": "Min"}
CALC_TITLES |= {"mean": "Mean", "sum": "Total"}
