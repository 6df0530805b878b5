"""A dashboard as one HTML page: each panel where its gridPos puts it, time series as inline
SVG lines with a legend table (the panel's calcs), stats as Grafana's big value over a
sparkline; Grafana's dark theme colours and its default thresholds (green, red from 80)."""

import math
from dataclasses import dataclass
from datetime import UTC, datetime
from html import escape
from typing import Any

from scripts.dashboard_picture.grafana import CALC_TITLES, Box, page_height, place, reduce
from scripts.dashboard_picture.prometheus import Series
from scripts.dashboard_picture.units import formatted

PALETTE = ["#73BF69", "#F2CC0C", "#8AB8FF", "#FF780A", "#F2495C", "#5794F2", "#B877D9"]
PALETTE += ["#705DA0", "#37872D", "#FADE2A", "#447EBC", "#C15C17", "#890F02", "#0A437C"]
# Grafana's named colours, and the thresholds a panel gets when its JSON sets none.
COLOURS = {"green": "#73BF69", "red": "#F2495C", "orange": "#FF9830", "yellow": "#FADE2A"}
COLOURS |= {"blue": "#5794F2", "purple": "#B877D9", "text": "#ccccdc"}
DEFAULT_STEPS: list[dict[str, Any]] = [
    {"color": "green", "value": None},
    {"color": "red", "value": 80},
]
TITLE_PX, AXIS_PX, TIME_AXIS_PX, ROW_PX = 30, 64, 18, 17
# A legend below the graph takes at most this share of the panel; Grafana scrolls the rest,
# a picture says how many series are not listed.
LEGEND_SHARE = 0.35
STYLE = """
body { margin: 0; background: #111217; color: #ccccdc;
  font: 12px Inter, 'DejaVu Sans', sans-serif; }
header { padding: 10px 16px; border-bottom: 1px solid #2c3235; }
header h1 { font-size: 17px; font-weight: 500; margin: 0 0 4px; color: #d8d9da; }
header p { margin: 0; color: #8e8e8e; font-size: 11.5px; overflow-wrap: anywhere; }
.board { position: relative; margin: 12px 16px; }
.panel { position: absolute; background: #181b1f; border: 1px solid #2c3235; border-radius: 2px;
  overflow: hidden; display: flex; flex-direction: column; }
.panel h2 { font-size: 13px; font-weight: 500; margin: 0; padding: 7px 8px 0; height: 23px;
  white-space: nowrap; overflow: hidden; text-overflow: ellipsis; color: #d8d9da; }
.panel table { border-collapse: collapse; margin: 0 8px; font-size: 11px; }
.panel th { color: #8ab8ff; font-weight: 500; text-align: right; padding: 0 0 0 12px;
  white-space: nowrap; }
.panel td { text-align: right; padding: 0 0 0 12px; height: 16px; white-space: nowrap; }
.panel td.name, .panel th.name { text-align: left; padding: 0; width: 100%; max-width: 0;
  overflow: hidden; text-overflow: ellipsis; }
.swatch { display: inline-block; width: 12px; height: 3px; margin: 0 6px 3px 0; }
.nodata { color: #8e8e8e; font-size: 14px; text-align: center; margin: auto; }
svg text { fill: #8e8e8e; font-size: 10.5px; }
"""


@dataclass(frozen=True)
class Drawn:
    """One series of a panel, named by its target's legend."""

    name: str
    series: Series


@dataclass(frozen=True)
class Window:
    start: float
    end: float
    step: float


def clock(seconds: float) -> str:
    return datetime.fromtimestamp(seconds, UTC).strftime("%H:%M")


def nice_step(span: float, ticks: int) -> float:
    raw = span / max(ticks, 1)
    power = 10 ** math.floor(math.log10(raw))
    return float(next(f * power for f in (1, 2, 2.5, 5, 10) if f * power >= raw))


def y_range(drawn: list[Drawn]) -> tuple[float, float, float]:
    """The y axis: from zero (or below, for negative values) to the top, and its tick step."""
    values = [v for d in drawn for v in d.series.values if math.isfinite(v)]
    low, high = min([*values, 0.0]), max([*values, 0.0])
    if high == low:
        high = low + 1
    step = nice_step(high - low, 4)
    return math.floor(low / step) * step, math.ceil(high / step) * step, step


def segments(series: Series, step: float) -> list[list[tuple[float, float]]]:
    """Runs of points without a gap: Grafana breaks a line where samples are missing."""
    runs: list[list[tuple[float, float]]] = []
    last = -math.inf
    for time, value in zip(series.times, series.values, strict=True):
        if not math.isfinite(value):
            last = -math.inf
            continue
        if time - last > 1.5 * step:
            runs.append([])
        runs[-1].append((time, value))
        last = time
    return runs


def graph_svg(
    drawn: list[Drawn], window: Window, unit: str | None, size: tuple[float, float]
) -> str:
    width, height = size
    plot_w, plot_h = width - AXIS_PX - 8, height - TIME_AXIS_PX - 6
    low, high, tick = y_range(drawn)

    def x(t: float) -> float:
        return AXIS_PX + (t - window.start) / (window.end - window.start) * plot_w

    def y(v: float) -> float:
        return 6 + plot_h - (v - low) / (high - low) * plot_h

    parts = [f'<svg width="{width:.0f}" height="{height:.0f}">']
    for i in range(round((high - low) / tick) + 1):
        value = low + i * tick
        parts.append(f'<line x1="{AXIS_PX}" x2="{AXIS_PX + plot_w:.1f}" y1="{y(value):.1f}" '
                     f'y2="{y(value):.1f}" stroke="#2c3235"/>')  # fmt: skip
        parts.append(f'<text x="{AXIS_PX - 6}" y="{y(value) + 3.5:.1f}" text-anchor="end">'
                     f"{escape(formatted(value, unit))}</text>")  # fmt: skip
    parts += time_ticks(window, x, 6 + plot_h)
    for index, each in enumerate(drawn):
        colour = PALETTE[index % len(PALETTE)]
        for run in segments(each.series, window.step):
            points = " ".join(f"{x(t):.1f},{y(v):.1f}" for t, v in run)
            parts.append(f'<polyline points="{points}" fill="none" stroke="{colour}" '
                         f'stroke-width="1.4"/>')  # fmt: skip
    return "".join(parts) + "</svg>"


def time_ticks(window: Window, x: Any, baseline: float) -> list[str]:
    minutes = nice_step((window.end - window.start) / 60, 6)
    every = max(60.0, round(minutes) * 60)
    first = math.ceil(window.start / every) * every
    last = window.end - 0.04 * (window.end - window.start)  # room for the label's half
    parts = []
    for t in range(int(first), int(last) + 1, int(every)):
        parts.append(f'<line x1="{x(t):.1f}" x2="{x(t):.1f}" y1="6" y2="{baseline:.1f}" '
                     f'stroke="#2c3235"/>')  # fmt: skip
        parts.append(f'<text x="{x(t):.1f}" y="{baseline + 13:.1f}" text-anchor="middle">'
                     f"{clock(t)}</text>")  # fmt: skip
    return parts


def legend_order(drawn: list[Drawn], legend: dict[str, Any]) -> list[int]:
    """The legend's rows: the series' order, or sorted by the legend's `sortBy` column (a calc's
    title, such as "Max"); the lines keep the colours of the series' order either way."""
    order = list(range(len(drawn)))
    titles = {title: calc for calc, title in CALC_TITLES.items()}
    calc = titles.get(legend.get("sortBy", ""))
    if calc is None:
        return order
    keyed = [(reduce(drawn[i].series.values, calc), i) for i in order]
    present = sorted((k for k in keyed if k[0] is not None), reverse=bool(legend.get("sortDesc")))
    return [i for _, i in present] + [i for v, i in keyed if v is None]


def legend_table(drawn: list[Drawn], legend: dict[str, Any], unit: str | None, rows: int) -> str:
    calcs = legend.get("calcs", [])
    head = "".join(f"<th>{escape(CALC_TITLES.get(c, c))}</th>" for c in calcs)
    lines = [f'<table><tr><th class="name">Nombre</th>{head}</tr>']
    order = legend_order(drawn, legend)
    shown = order if len(order) <= rows else order[: rows - 1]
    for index in shown:
        each, colour = drawn[index], PALETTE[index % len(PALETTE)]
        cells = "".join(
            f"<td>{escape(formatted(reduce(each.series.values, c), unit))}</td>" for c in calcs
        )
        name = f'<span class="swatch" style="background:{colour}"></span>{escape(each.name)}'
        lines.append(f'<tr><td class="name">{name}</td>{cells}</tr>')
    if len(shown) < len(drawn):
        more = len(drawn) - len(shown)
        lines.append(f'<tr><td class="name">… y {more} series más</td></tr>')
    return "".join(lines) + "</table>"


def timeseries(panel: dict[str, Any], box: Box, drawn: list[Drawn], window: Window) -> str:
    unit = panel.get("fieldConfig", {}).get("defaults", {}).get("unit")
    legend = panel.get("options", {}).get("legend", {})
    room = LEGEND_SHARE * (box.height - TITLE_PX) - ROW_PX  # the header row apart
    rows = max(1, min(len(drawn), int(room // ROW_PX)))
    graph_h = box.height - TITLE_PX - ROW_PX * (rows + 1) - 6
    return graph_svg(drawn, window, unit, (box.width - 2, graph_h)) + legend_table(
        drawn, legend, unit, rows
    )


def stat_colour(panel: dict[str, Any], value: float | None) -> str:
    """The colour of the last threshold step the value reaches (the base step's below all)."""
    thresholds = panel.get("fieldConfig", {}).get("defaults", {}).get("thresholds", {})
    steps = thresholds.get("steps") or DEFAULT_STEPS
    colour = steps[0]["color"]
    for step in steps[1:]:
        if value is not None and value >= step["value"]:
            colour = step["color"]
    return str(COLOURS.get(colour, colour))


def stat(panel: dict[str, Any], box: Box, drawn: list[Drawn], window: Window) -> str:
    unit = panel.get("fieldConfig", {}).get("defaults", {}).get("unit")
    calc = (panel.get("options", {}).get("reduceOptions", {}).get("calcs") or ["lastNotNull"])[0]
    width, height = (box.width - 2) / len(drawn), box.height - TITLE_PX
    cells = []
    for each in drawn:
        value = reduce(each.series.values, calc)
        colour = stat_colour(panel, value)
        spark = sparkline(each.series, window, colour, (width, height))
        label = f'<text x="{width / 2:.0f}" y="16" text-anchor="middle">{escape(each.name)}</text>'
        size = min(height * 0.42, width / max(4, len(formatted(value, unit))) * 1.6)
        text = (f'<text x="{width / 2:.0f}" y="{height * 0.62:.0f}" text-anchor="middle" '
                f'style="fill:{colour};font-size:{size:.0f}px;font-weight:500">'
                f"{escape(formatted(value, unit))}</text>")  # fmt: skip
        name = label if len(drawn) > 1 else ""
        cells.append(f'<svg width="{width:.0f}" height="{height:.0f}">{spark}{name}{text}</svg>')
    return f'<div style="display:flex">{"".join(cells)}</div>'


def sparkline(series: Series, window: Window, colour: str, size: tuple[float, float]) -> str:
    width, height = size
    values = [v for v in series.values if math.isfinite(v)]
    if not values:
        return ""
    low, high = min([*values, 0.0]), max(values)
    high = high if high > low else low + 1
    top = height * 0.5

    def point(t: float, v: float) -> str:
        px = (t - window.start) / (window.end - window.start) * width
        return f"{px:.1f},{height - (v - low) / (high - low) * (height - top):.1f}"

    runs = segments(series, window.step)
    shapes = []
    for run in runs:
        line = " ".join(point(t, v) for t, v in run)
        area = f"{point(run[0][0], low)} {line} {point(run[-1][0], low)}"
        shapes.append(f'<polygon points="{area}" fill="{colour}" fill-opacity="0.18"/>')
        shapes.append(f'<polyline points="{line}" fill="none" stroke="{colour}"/>')
    return "".join(shapes)


def panel_html(panel: dict[str, Any], box: Box, window: Window, drawn: list[Drawn]) -> str:
    style = f"left:{box.left:.0f}px;top:{box.top:.0f}px;"
    style += f"width:{box.width:.0f}px;height:{box.height:.0f}px"
    title = f"<h2>{escape(panel['title'])}</h2>"
    if not drawn:
        body = '<div class="nodata">No data</div>'
    elif panel["type"] == "stat":
        body = stat(panel, box, drawn, window)
    else:
        body = timeseries(panel, box, drawn, window)
    return f'<div class="panel" style="{style}">{title}{body}</div>'


def board_html(
    board: dict[str, Any], drawn: dict[int, tuple[Window, list[Drawn]]], note: str, width: int
) -> str:
    """The page: a header saying what was drawn, from when, and how; the panels on the grid."""
    panels = board["panels"]
    cells = [panel_html(p, place(p["gridPos"], width), *drawn[p["id"]]) for p in panels]
    window = drawn[panels[0]["id"]][0]
    span = f"{datetime.fromtimestamp(window.start, UTC):%Y-%m-%d %H:%M} – {clock(window.end)} UTC"
    return (
        f'<!doctype html><html lang="es"><head><meta charset="utf-8"><style>{STYLE}</style>'
        f"</head><body><header><h1>{escape(board['title'])}</h1><p>{escape(span)} · "
        f'{escape(note)}</p></header><div class="board" style="width:{width}px;'
        f'height:{page_height(panels):.0f}px">{"".join(cells)}</div></body></html>'
    )
