"""The Grafana dashboards: the four of docs/operations.md, every query parses as PromQL and reads
only metrics that exist (registered by apoyo_common.metrics, or a named exporter's) with labels
they carry, every metric the services register is shown somewhere, and docker-compose.yml
provisions them with their data source and the PostgreSQL exporter."""

import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.paths import ROOT
from tests.unit.deploy.promql import apoyo_families, known_metrics, reads, unknown_reads

GRAFANA = ROOT / "deploy" / "grafana"
BOARDS = sorted((GRAFANA / "dashboards").glob("*.json"))
# Grafana's own interval variables, replaced by a duration before parsing. Other variables
# ($service, $group, $datname) appear only inside label matchers' strings.
INTERVALS = {"$__rate_interval": "5m", "$__interval": "1m", "$__range": "1h"}
LABEL_VALUES = re.compile(r"^label_values\((?P<selector>.+),\s*(?P<label>\w+)\)$")


def board(path: Path) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return loaded


def promql(expr: str) -> str:
    for variable, duration in INTERVALS.items():
        expr = expr.replace(variable, duration)
    return expr


def targets() -> list[tuple[str, str, str]]:
    return [
        (path.stem, panel["title"], target["expr"])
        for path in BOARDS
        for panel in board(path)["panels"]
        for target in panel["targets"]
    ]


def test_the_four_dashboards_are_there_each_with_its_own_uid() -> None:
    assert [p.stem for p in BOARDS] == ["kafka-lag", "overview", "postgres", "service"]
    uids = [board(p)["uid"] for p in BOARDS]
    assert len(set(uids)) == 4 and all(u.startswith("apoyo-") for u in uids)
    for path in BOARDS:
        loaded = board(path)
        assert loaded["panels"] and "apoyo" in loaded["tags"]
        ids = [panel["id"] for panel in loaded["panels"]]
        assert len(ids) == len(set(ids))
        for panel in loaded["panels"]:
            grid = panel["gridPos"]
            assert grid["x"] + grid["w"] <= 24 and panel["targets"], panel["title"]


@pytest.mark.parametrize(("name", "title", "expr"), targets(), ids=lambda v: str(v)[:60])
def test_a_panel_query_reads_only_metrics_that_exist(name: str, title: str, expr: str) -> None:
    assert reads(promql(expr)), f"{name}: {title}"
    assert unknown_reads(promql(expr)) == [], f"{name}: {title}"


def test_the_variables_list_values_of_labels_that_exist() -> None:
    known = known_metrics()
    variables = [v for path in BOARDS for v in board(path)["templating"]["list"]]
    assert {v["name"] for v in variables} == {"service", "group", "datname"}
    for variable in variables:
        found = LABEL_VALUES.match(variable["query"]["query"])
        assert found is not None, variable["name"]
        [read] = reads(found["selector"])
        assert found["label"] in known[read.metric], variable["name"]


def test_every_metric_the_services_register_is_on_a_dashboard() -> None:
    shown = {read.metric for _, _, expr in targets() for read in reads(promql(expr))}
    families = apoyo_families()
    assert len(families) >= 14
    assert [name for name, (series, _) in families.items() if not series & shown] == []


def datasource_uid() -> str:
    provisioned = yaml.safe_load((GRAFANA / "provisioning/datasources/prometheus.yml").read_text())
    [source] = provisioned["datasources"]
    assert source["type"] == "prometheus" and source["url"] == "http://prometheus:9090"
    return str(source["uid"])


def test_every_panel_asks_the_provisioned_prometheus() -> None:
    uid = datasource_uid()
    for path in BOARDS:
        for panel in board(path)["panels"]:
            sources = [panel["datasource"]] + [t["datasource"] for t in panel["targets"]]
            assert {s["uid"] for s in sources} == {uid}, (path.stem, panel["title"])


def compose() -> dict[str, Any]:
    services: dict[str, Any] = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]
    return services


def mounts(service: dict[str, Any]) -> dict[str, str]:
    """Container path -> the repository's path it shows."""
    found = {}
    for volume in service["volumes"]:
        source, target = volume.split(":")[:2]
        found[target] = source.removeprefix("./")
    return found


def test_docker_compose_provisions_the_dashboards_and_their_data_source() -> None:
    grafana = mounts(compose()["grafana"])
    assert grafana["/etc/grafana/provisioning"] == "deploy/grafana/provisioning"
    providers = yaml.safe_load((GRAFANA / "provisioning/dashboards/apoyo.yml").read_text())
    [provider] = providers["providers"]
    assert grafana[provider["options"]["path"]] == "deploy/grafana/dashboards"
    home = compose()["grafana"]["environment"]["GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH"]
    assert home == provider["options"]["path"] + "/overview.json"


def test_prometheus_scrapes_the_services_and_the_postgresql_exporter() -> None:
    services = compose()
    config = yaml.safe_load((ROOT / "deploy/prometheus/prometheus.yml").read_text())
    jobs = {job["job_name"]: job for job in config["scrape_configs"]}
    [apoyo] = jobs["apoyo"]["static_configs"]
    apoyo_services = {"capture", "identity", "verification", "notification", "export"}
    assert {t.split(":")[0] for t in apoyo["targets"]} == apoyo_services <= set(services)
    assert jobs["apoyo"]["honor_labels"] is True  # the services' own `service` label
    [postgres] = jobs["postgres"]["static_configs"]
    assert postgres["targets"] == ["postgres-exporter:9187"]
    exporter = services["postgres-exporter"]
    assert "postgres-exporter" in exporter["image"]
    assert "@postgres:5432/apoyo" in exporter["environment"]["DATA_SOURCE_NAME"]
