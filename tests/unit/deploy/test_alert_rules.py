"""The alert rules parse as PromQL, read only metrics that exist (apoyo_common.metrics or a
named exporter) with labels they carry, and are the same for Prometheus and the operator."""

import re
from typing import Any

import pytest
import yaml

from tests.paths import ROOT
from tests.unit.deploy.kube import OVERLAYS, named, render
from tests.unit.deploy.promql import apoyo_metrics, reads, unknown_reads

RULES = ROOT / "deploy" / "prometheus" / "alerts.yml"
DURATION = re.compile(r"^([0-9]+(ms|s|m|h|d|w|y))+$")


def rules() -> list[dict[str, Any]]:
    groups = yaml.safe_load(RULES.read_text())["groups"]
    return [rule for group in groups for rule in group["rules"]]


@pytest.mark.parametrize("rule", rules(), ids=lambda r: str(r["alert"]))
def test_a_rule_is_complete(rule: dict[str, Any]) -> None:
    assert re.fullmatch(r"Apoyo[A-Z][A-Za-z]+", rule["alert"])
    assert rule["labels"]["severity"] in {"warning", "critical"}
    assert {"summary", "description"} <= set(rule["annotations"])
    assert DURATION.match(rule.get("for", "0s"))


@pytest.mark.parametrize("rule", rules(), ids=lambda r: str(r["alert"]))
def test_a_rule_reads_only_metrics_that_exist(rule: dict[str, Any]) -> None:
    assert reads(rule["expr"])
    assert unknown_reads(rule["expr"]) == []


def test_the_rules_cover_lag_dead_letters_errors_latency_storage_and_readiness() -> None:
    read = {r.metric for rule in rules() for r in reads(rule["expr"])}
    assert {
        "apoyo_consumer_lag",
        "apoyo_dead_letters_total",
        "apoyo_handler_failures_total",
        "apoyo_handler_seconds_bucket",
        "apoyo_http_requests_total",
        "apoyo_http_request_seconds_bucket",
        "apoyo_support_age_seconds_bucket",
        "apoyo_store_seconds_count",
        "kube_deployment_status_replicas_unavailable",
        "up",
    } <= read


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_the_operator_gets_the_same_rules(overlay: str) -> None:
    rule = named(render(overlay), "PrometheusRule", "apoyo-alerts")
    assert rule["spec"]["groups"] == yaml.safe_load(RULES.read_text())["groups"]


def test_the_checker_catches_a_wrong_name_a_wrong_label_and_bad_syntax() -> None:
    assert "apoyo_handler_failures_total" in apoyo_metrics()
    assert unknown_reads("rate(apoyo_handler_failure_total[5m])") == [
        "unknown metric apoyo_handler_failure_total"
    ]
    assert unknown_reads('sum by (aspirant) (rate(apoyo_mail_total{state="SENT"}[5m]))') == [
        "apoyo_mail_total has no label aspirant"
    ]
    with pytest.raises(ValueError, match="parenthesis"):
        reads("sum(rate(apoyo_mail_total[5m])")


def test_prometheus_of_docker_compose_loads_the_rules() -> None:
    config = yaml.safe_load((RULES.parent / "prometheus.yml").read_text())
    assert config["rule_files"] == [RULES.name]
