"""The metrics an alert expression reads: every selector in its PromQL tree, with the labels
it matches on and groups by."""

from collections.abc import Iterator
from dataclasses import dataclass

import promql_parser
from prometheus_client.metrics import MetricWrapperBase

from apoyo_common import metrics

CHILDREN = ("lhs", "rhs", "expr", "args", "param", "vector_selector")
# Labels Prometheus adds to every scraped series, and the histogram bucket's.
TARGET_LABELS = {"job", "instance", "namespace", "pod", "service", "endpoint", "container"}
# Metrics that come from elsewhere, with their labels: docs/kubernetes.md and docs/operations.md
# say who exports them.
DATABASE = {"datid", "datname"}
EXTERNAL = {
    "kafka_consumergroup_lag": {"consumergroup", "topic", "partition"},  # Strimzi's Kafka exporter
    "kube_deployment_status_replicas_unavailable": {"deployment"},  # kube-state-metrics
    "up": set(),  # Prometheus, per target
    # postgres_exporter (docker-compose.yml): its default collectors.
    "pg_up": set(),
    "pg_settings_max_connections": set(),
    "pg_database_size_bytes": {"datname"},
    "pg_locks_count": {"datname", "mode"},
    "pg_stat_activity_count": {"datname", "state"},
    "pg_stat_activity_max_tx_duration": {"datname", "state"},
} | {
    f"pg_stat_database_{name}": DATABASE
    for name in [
        "numbackends",
        "xact_commit",
        "xact_rollback",
        "blks_read",
        "blks_hit",
        "tup_returned",
        "tup_fetched",
        "tup_inserted",
        "tup_updated",
        "tup_deleted",
        "deadlocks",
        "temp_bytes",
    ]
}
SUFFIXES = {"counter": ("_total",), "histogram": ("_bucket", "_sum", "_count"), "gauge": ("",)}


@dataclass(frozen=True)
class Read:
    metric: str
    labels: frozenset[str]  # matched or grouped by


def apoyo_families() -> dict[str, tuple[set[str], set[str]]]:
    """Each metric of apoyo_common.metrics -> (its exposed series names, its label names)."""
    found: dict[str, tuple[set[str], set[str]]] = {}
    for value in vars(metrics).values():
        if isinstance(value, MetricWrapperBase):
            # prometheus_client keeps the base name, type and labels only on private fields.
            name, kind, labels = value._name, str(value._type), set(value._labelnames)
            found[name] = ({name + suffix for suffix in SUFFIXES[kind]}, labels)
    return found


def apoyo_metrics() -> dict[str, set[str]]:
    """Exposed series names of apoyo_common.metrics -> their label names (plus `le`)."""
    return {
        series: labels | ({"le"} if series.endswith("_bucket") else set())
        for names, labels in apoyo_families().values()
        for series in names
    }


def known_metrics() -> dict[str, set[str]]:
    return apoyo_metrics() | EXTERNAL


def reads(expr: str) -> list[Read]:
    return list(_walk(promql_parser.parse(expr), frozenset()))


def _walk(node: object, grouped: frozenset[str]) -> Iterator[Read]:
    if isinstance(node, promql_parser.VectorSelector):
        matched = {m.name for m in node.matchers.matchers}
        yield Read(node.name or "", frozenset(matched | grouped))
        return
    if isinstance(node, promql_parser.AggregateExpr) and node.modifier is not None:
        grouped = grouped | set(node.modifier.labels)
    for attribute in CHILDREN:
        child = getattr(node, attribute, None)
        for each in child if isinstance(child, list) else [child]:
            if each is not None:
                yield from _walk(each, grouped)


def unknown_reads(expr: str) -> list[str]:
    """Metric names that nobody exports, and labels that the metric does not carry."""
    known, problems = known_metrics(), []
    for read in reads(expr):
        if read.metric not in known:
            problems.append(f"unknown metric {read.metric}")
            continue
        extra = read.labels - known[read.metric] - TARGET_LABELS
        problems += [f"{read.metric} has no label {label}" for label in sorted(extra)]
    return problems
