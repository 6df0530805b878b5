"""The dashboard pictures' pure parts (scripts/dashboard_picture): where gridPos puts a panel,
the queries Grafana would send (variables, $__interval, $__rate_interval), legend names,
reductions, units, and the page drawn from series; no Prometheus needed."""

import math
import re

import pytest
from scripts.dashboard_picture import grafana
from scripts.dashboard_picture.draw import (
    Drawn,
    Window,
    board_html,
    legend_order,
    segments,
    stat_colour,
)
from scripts.dashboard_picture.prometheus import Series
from scripts.dashboard_picture.units import formatted

from tests.paths import ROOT

BOARDS = ROOT / "deploy" / "grafana" / "dashboards"


def test_a_panel_sits_where_its_grid_position_puts_it_on_24_columns_of_30px_rows() -> None:
    # 24 columns of (1592 + 8) / 24 px each, margins of 8 px between panels and rows
    left = grafana.place({"x": 0, "y": 0, "w": 12, "h": 8}, 1592)
    right = grafana.place({"x": 12, "y": 8, "w": 12, "h": 8}, 1592)
    assert (left.left, left.top, left.width, left.height) == (0, 0, 792, 296)
    assert (right.left, right.top) == (800, 304)
    assert right.left + right.width == 1592


def test_the_overview_panels_tile_the_page_without_overlapping() -> None:
    panels = grafana.load(BOARDS / "overview.json")["panels"]
    boxes = [grafana.place(p["gridPos"], 1600) for p in panels]
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            apart = a.left + a.width <= b.left or b.left + b.width <= a.left
            assert apart or a.top + a.height <= b.top or b.top + b.height <= a.top
    assert grafana.page_height(panels) == max(b.top + b.height for b in boxes)


@pytest.mark.parametrize(
    ("span_s", "points", "scrape_s", "step", "rate"),
    [
        (600, 800, 15, 15, 60),  # 10 min on a wide panel: the scrape interval is the floor
        (6 * 3600, 800, 15, 30, 60),  # 27 s a point rounds to 30 s; 4 scrapes still the most
        (24 * 3600, 400, 15, 300, 315),  # 216 s rounds to 5 min; rate adds one scrape
        (600, 800, 5, 5, 20),  # a Prometheus scraping every 5 s
    ],
)
def test_interval_and_rate_interval_follow_grafanas_rules(
    span_s: float, points: int, scrape_s: float, step: float, rate: float
) -> None:
    found = grafana.interval(span_s, points, scrape_s)
    assert found == step
    assert grafana.rate_interval(found, scrape_s) == rate


def test_a_query_gets_its_intervals_and_variables_as_grafana_sends_them() -> None:
    expr = 'sum(rate(apoyo_consumer_lag{group=~"$group", topic=~"${topic}"}[$__rate_interval]))'
    values = {"group": ["e2e.apoyo-identity", "apoyo-export"], "topic": ["support.captured"]}
    sent = grafana.substitute(expr, values, interval_s=15, rate_s=60)
    # the dots escaped for the regex, and the backslash for PromQL's double-quoted string
    assert sent == (
        r'sum(rate(apoyo_consumer_lag{group=~"(e2e\\.apoyo-identity|apoyo-export)", '
        r'topic=~"support\\.captured"}[60s]))'
    )
    pattern = re.search(r'group=~"([^"]+)"', sent)
    assert pattern is not None
    regex = pattern[1].replace("\\\\", "\\")  # what PromQL's string literal gives the regex
    assert re.fullmatch(regex, "e2e.apoyo-identity") and re.fullmatch(regex, "apoyo-export")
    assert not re.fullmatch(regex, "e2eXapoyo-identity")


def test_a_variable_without_values_matches_nothing_and_unknown_ones_stay() -> None:
    sent = grafana.substitute('up{a=~"$service", b="$other"}[$__interval]', {"service": []}, 30, 60)
    assert sent == 'up{a=~"^$", b="$other"}[30s]'


def test_a_variable_is_read_from_its_label_values_query() -> None:
    board = grafana.load(BOARDS / "kafka-lag.json")
    [group] = grafana.variables_of(board)
    assert grafana.label_values_query(group) == ("apoyo_consumer_lag", "group")
    with pytest.raises(ValueError, match="label_values"):
        grafana.label_values_query({"name": "x", "query": "query_result(up)"})


def test_a_series_is_named_by_its_legend_format() -> None:
    labels = {"service": "identity", "topic": "support.captured", "__name__": "x"}
    assert grafana.legend("{{service}} ← {{ topic }}", labels) == "identity ← support.captured"
    assert grafana.legend("p95 {{stage}}", labels) == "p95 "
    assert grafana.legend("", labels) == 'x{service="identity", topic="support.captured"}'


def test_reductions_skip_missing_values() -> None:
    values = [1.0, 5.0, math.nan, 3.0, math.nan]
    assert grafana.reduce(values, "lastNotNull") == 3.0
    assert grafana.reduce(values, "max") == 5.0
    assert grafana.reduce([math.nan], "max") is None
    with pytest.raises(ValueError, match="stdDev"):
        grafana.reduce(values, "stdDev")


@pytest.mark.parametrize(
    ("value", "unit", "shown"),
    [
        (240, "short", "240"),
        (1534, "short", "1.53 K"),
        (2_500_000, "short", "2.5 Mil"),
        (4.904, "reqps", "4.9 req/s"),
        (0.6566, "ops", "0.657 ops/s"),
        (0.0223, "s", "22.3 ms"),
        (0.00042, "s", "420 µs"),
        (29.4, "s", "29.4 s"),
        (150, "s", "2.5 min"),
        (0.9934, "percentunit", "99.3%"),
        (7_340_032, "bytes", "7 MiB"),
        (0, "s", "0 s"),
        (None, "s", "–"),
    ],
)
def test_values_are_shown_in_their_panels_unit(value: float | None, unit: str, shown: str) -> None:
    assert formatted(value, unit) == shown


def test_a_line_breaks_where_samples_are_missing() -> None:
    series = Series({}, [0, 15, 30, 75, 90, 105], [1, 2, math.nan, 4, 5, 6])
    assert segments(series, step=15) == [[(0, 1), (15, 2)], [(75, 4), (90, 5), (105, 6)]]


def test_the_page_places_each_panel_and_says_no_data_where_a_query_found_nothing() -> None:
    board = grafana.load(BOARDS / "overview.json")
    window = Window(0, 600, 15)
    lag = Series({"group": "apoyo-identity"}, [0, 15, 30], [10, 240, 120])
    drawn = {p["id"]: (window, [Drawn("pendientes", lag)]) for p in board["panels"]}
    drawn[3] = (window, [])  # dead letters: nothing was sent to them
    page = board_html(board, drawn, "nota", 1592)
    assert page.count('class="panel"') == len(board["panels"])
    assert page.count("No data") == 1 and "nota" in page
    # stats show the last value in their threshold's colour: the backlog's is red from 1000
    assert re.search(r"fill:#73BF69;[^>]*>120<", page)
    assert "left:800px;top:0px" in page  # the third stat: x 12 of 24, row 0


def test_a_stat_takes_the_colour_of_the_highest_threshold_its_value_reaches() -> None:
    steps = [{"color": "green", "value": None}, {"color": "#FF9830", "value": 10}]
    steps += [{"color": "red", "value": 100}]
    panel = {"fieldConfig": {"defaults": {"thresholds": {"steps": steps}}}}
    assert [stat_colour(panel, v) for v in (None, 9.9, 10, 100)] == [
        "#73BF69", "#73BF69", "#FF9830", "#F2495C"
    ]  # fmt: skip
    # without thresholds, Grafana's default ones: green, red from 80
    assert [stat_colour({}, v) for v in (79, 80)] == ["#73BF69", "#F2495C"]


def test_the_legend_lists_the_busiest_series_first_when_sorted_by_max() -> None:
    def named(name: str, values: list[float]) -> Drawn:
        return Drawn(name, Series({}, list(range(len(values))), values))

    drawn = [named("quiet", [0, 1]), named("none", [math.nan]), named("busy", [9, 2])]
    drawn.append(named("middle", [3, 3]))
    assert legend_order(drawn, {"sortBy": "Max", "sortDesc": True}) == [2, 3, 0, 1]
    assert legend_order(drawn, {"sortBy": "Max"}) == [0, 3, 2, 1]
    assert legend_order(drawn, {}) == [0, 1, 2, 3]


def test_the_dashboards_legends_put_the_busiest_series_first() -> None:
    # a legend below the graph gets 35% of the panel: a few rows of up to ten series
    for path in sorted(BOARDS.glob("*.json")):
        for panel in grafana.load(path)["panels"]:
            if panel["type"] == "timeseries":
                legend = panel["options"]["legend"]
                assert (legend["sortBy"], legend["sortDesc"]) == ("Max", True), panel["title"]
                assert "max" in legend["calcs"]


def test_every_stat_sets_its_own_thresholds() -> None:
    # Grafana's default (red from 80) would colour 80 supports a second, or any database
    # size in bytes, as an alarm, and a PostgreSQL that is down (0) as fine
    for path in sorted(BOARDS.glob("*.json")):
        for panel in grafana.load(path)["panels"]:
            if panel["type"] == "stat":
                steps = panel["fieldConfig"]["defaults"]["thresholds"]["steps"]
                assert steps[0]["value"] is None, panel["title"]
                assert [s["value"] for s in steps[1:]] == sorted(s["value"] for s in steps[1:])
    postgres = {p["title"]: p for p in grafana.load(BOARDS / "postgres.json")["panels"]}
    up = postgres["PostgreSQL responde"]
    assert [stat_colour(up, v) for v in (0, 1)] == ["#F2495C", "#73BF69"]
