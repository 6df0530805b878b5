"""Every object each overlay renders is valid against its real schema, unknown fields included."""

import copy

import pytest

from tests.unit.deploy.kube import OVERLAYS, named, problems, render

EXPECTED_KINDS = {
    "Namespace", "ConfigMap", "ServiceAccount", "Deployment", "Service", "PodDisruptionBudget",
    "HorizontalPodAutoscaler", "ScaledObject", "Kafka", "KafkaNodePool", "KafkaTopic",
    "Cluster", "StatefulSet", "ServiceMonitor", "PodMonitor", "PrometheusRule", "NetworkPolicy",
}  # fmt: skip


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_rendered_object_matches_its_schema(overlay: str) -> None:
    found = [p for manifest in render(overlay) for p in problems(manifest)]
    assert found == []


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_overlays_render_every_kind_of_the_deployment(overlay: str) -> None:
    assert {m["kind"] for m in render(overlay)} == EXPECTED_KINDS


@pytest.mark.parametrize(
    ("kind", "name", "path", "bad"),
    [
        ("Deployment", "apoyo-identity", ("spec", "template", "spec", "replica"), 1),
        ("KafkaTopic", "support-captured", ("spec", "partition"), 3),
        ("ScaledObject", "apoyo-identity", ("spec", "maxReplicas"), 3),
        ("Cluster", "apoyo-db", ("spec", "storage", "sizee"), "1Gi"),
        ("Kafka", "apoyo", ("spec", "kafka", "listener"), []),
        ("ServiceMonitor", "apoyo-services", ("spec", "endpoint"), []),
    ],
)
def test_the_validator_rejects_an_unknown_field(
    kind: str, name: str, path: tuple[str, ...], bad: object
) -> None:
    manifest = copy.deepcopy(named(render("small"), kind, name))
    parent = manifest
    for key in path[:-1]:
        parent = parent[key]
    parent[path[-1]] = bad
    assert [p for p in problems(manifest) if repr(path[-1]) in p], list(problems(manifest))


def test_the_validator_rejects_a_wrong_type_in_a_custom_resource() -> None:
    scaled = copy.deepcopy(named(render("small"), "ScaledObject", "apoyo-identity"))
    scaled["spec"]["triggers"][0]["metadata"]["lagThreshold"] = 40  # KEDA wants strings
    assert any("lagThreshold" in p for p in problems(scaled))


def test_a_kind_without_a_schema_is_an_error() -> None:
    unknown = {"apiVersion": "keda.sh/v9", "kind": "ScaledObject", "metadata": {"name": "x"}}
    assert [p for p in problems(unknown) if "no schema" in p]
