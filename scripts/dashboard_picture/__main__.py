"""Draw a Grafana dashboard of deploy/grafana/dashboards from a running Prometheus, to PNG or
HTML, where no Grafana can be installed (docs/operations.md, "Dashboard pictures without
Grafana"):

    .venv/bin/python -m scripts.dashboard_picture --prometheus http://127.0.0.1:9490 \\
        --dashboard deploy/grafana/dashboards/overview.json --last 10m --out overview.png

Each panel's targets are sent as Grafana would send them (template variables, `$__interval`,
`$__rate_interval`, the step) as range queries; every query and how many series it gave is
printed. A PNG is a screenshot of the HTML page taken by Debian's chromium (Playwright).
"""

import argparse
import re
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
from scripts.dashboard_picture import grafana
from scripts.dashboard_picture.draw import Drawn, Window, board_html
from scripts.dashboard_picture.prometheus import label_values, query_range

CHROMIUM = Path("/usr/bin/chromium")
NOTE = (
    "Dibujado por scripts/dashboard_picture, no por Grafana, con el JSON del tablero y sus "
    "consultas PromQL evaluadas por Prometheus ({prometheus}); paso {step}, $__rate_interval "
    "{rate}{variables}"
)


def seconds_of(text: str) -> float:
    found = re.fullmatch(r"(\d+(?:\.\d+)?)(s|m|h|d)", text)
    if found is None:
        raise argparse.ArgumentTypeError(f"{text}: a duration such as 90s, 10m, 2h")
    return float(found[1]) * {"s": 1, "m": 60, "h": 3600, "d": 86400}[found[2]]


def instant(text: str) -> float:
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).timestamp()


def arguments(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--prometheus", default="http://127.0.0.1:9490")
    parser.add_argument("--dashboard", type=Path, required=True)
    parser.add_argument("--from", dest="start", type=instant, help="ISO time, UTC if no zone")
    parser.add_argument("--to", dest="end", type=instant, help="ISO time (default: now)")
    parser.add_argument("--last", type=seconds_of, help="instead of --from: 10m, 1h, ...")
    parser.add_argument("--var", action="append", default=[], help="NAME=VALUE (repeatable)")
    parser.add_argument("--scrape-interval", type=seconds_of, default=grafana.DEFAULT_SCRAPE_S)
    parser.add_argument("--width", type=int, default=1600, help="the grid's width in pixels")
    parser.add_argument("--out", type=Path, required=True, help="FILE.png or FILE.html")
    args = parser.parse_args(argv)
    args.end = args.end or datetime.now(UTC).timestamp()
    if (args.start is None) == (args.last is None):
        parser.error("give --from or --last")
    args.start = args.start if args.start is not None else args.end - args.last
    return args


def chosen_values(
    client: httpx.Client, board: dict[str, Any], args: argparse.Namespace
) -> dict[str, list[str]]:
    """Each variable's values: those given with --var, else All (every value of its label in
    the window, as Grafana's All option lists them)."""
    given: dict[str, list[str]] = {}
    for pair in args.var:
        name, _, value = pair.partition("=")
        given.setdefault(name, []).append(value)
    values = {}
    for variable in grafana.variables_of(board):
        name = variable["name"]
        if name in given:
            values[name] = given[name]
        else:
            selector, label = grafana.label_values_query(variable)
            values[name] = label_values(client, selector, label, args.start, args.end)
    return values


def panel_series(
    client: httpx.Client, panel: dict[str, Any], window: Window, rate_s: float,
    values: dict[str, list[str]],
) -> list[Drawn]:  # fmt: skip
    drawn = []
    for target in panel["targets"]:
        expr = grafana.substitute(target["expr"], values, window.step, rate_s)
        found = query_range(client, expr, window.start, window.end, window.step)
        print(f"{len(found):3d} series  {panel['title']}: {expr}")
        named = [Drawn(grafana.legend(target.get("legendFormat", ""), s.labels), s) for s in found]
        drawn += sorted(named, key=lambda d: d.name)
    return drawn


def listed(values: list[str], most: int = 6) -> str:
    """A variable's values for the page's header: a long All is cut short."""
    if not values:
        return "(ninguno)"
    more = f"|… ({len(values)} valores)" if len(values) > most else ""
    return "|".join(values[:most]) + more


def render(args: argparse.Namespace) -> str:
    board = grafana.load(args.dashboard)
    drawn: dict[int, tuple[Window, list[Drawn]]] = {}
    with httpx.Client(base_url=args.prometheus.rstrip("/"), timeout=60) as client:
        values = chosen_values(client, board, args)
        for panel in board["panels"]:
            box = grafana.place(panel["gridPos"], args.width)
            step = grafana.interval(args.end - args.start, int(box.width), args.scrape_interval)
            rate_s = grafana.rate_interval(step, args.scrape_interval)
            window = Window(args.start, args.end, step)
            drawn[panel["id"]] = (window, panel_series(client, panel, window, rate_s, values))
    shown = "".join(f"; ${name} = {listed(v)}" for name, v in values.items())
    first = board["panels"][0]
    step = drawn[first["id"]][0].step
    rate = grafana.rate_interval(step, args.scrape_interval)
    note = NOTE.format(prometheus=args.prometheus, step=grafana.duration(step),
                       rate=grafana.duration(rate), variables=shown)  # fmt: skip
    return board_html(board, drawn, note, args.width)


def screenshot(html: str, out: Path, width: int) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM))
        page = browser.new_page(viewport={"width": width + 32, "height": 800})
        page.set_content(html)
        page.screenshot(path=str(out), full_page=True)
        browser.close()


def main(argv: list[str]) -> int:
    args = arguments(argv)
    html = render(args)
    if args.out.suffix == ".html":
        args.out.write_text(html, encoding="utf-8")
    else:
        screenshot(html, args.out, args.width)
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
