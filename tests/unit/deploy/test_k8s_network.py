"""NetworkPolicies: everything denied, then each service reaches only Kafka, PostgreSQL and
the object store (notification also its SMTP relay), and only Prometheus and the ingress
controller reach the services."""

from pathlib import Path

import pytest

from apoyo.services import BUILDERS
from tests.unit.deploy.consumers import build_all, deployments
from tests.unit.deploy.kube import OVERLAYS, Manifest, named, of_kind, render
from tests.unit.deploy.policies import Pod, in_namespace, may_connect, outside

PROMETHEUS = in_namespace("monitoring", **{"app.kubernetes.io/name": "prometheus"})
INGRESS = in_namespace("ingress-nginx", **{"app.kubernetes.io/name": "ingress-nginx"})
SMTP_RELAY = outside("203.0.113.25")


def with_strimzi_listener_policy(objects: tuple[Manifest, ...]) -> tuple[Manifest, ...]:
    """Strimzi writes the ingress policy of each listener from its networkPolicyPeers."""
    kafka = named(objects, "Kafka", "apoyo")
    name = kafka["metadata"]["name"]
    written = [
        {
            "kind": "NetworkPolicy",
            "spec": {
                "podSelector": {
                    "matchLabels": {"strimzi.io/cluster": name, "strimzi.io/kind": "Kafka"}
                },
                "policyTypes": ["Ingress"],
                "ingress": [
                    {"from": listener["networkPolicyPeers"], "ports": [{"port": listener["port"]}]}
                ],
            },
        }
        for listener in kafka["spec"]["kafka"]["listeners"]
    ]
    return (*objects, *written)


def pod_of(objects: tuple[Manifest, ...], service: str) -> Pod:
    return Pod(deployments(objects)[service]["spec"]["template"]["metadata"]["labels"])


def needed(objects: tuple[Manifest, ...]) -> dict[str, tuple[Pod, int]]:
    """What every service needs, with the addresses and ports the manifests give them."""
    kafka = named(objects, "Kafka", "apoyo")
    store = named(objects, "StatefulSet", "apoyo-s3")["spec"]["template"]
    return {
        "kafka": (
            Pod({"strimzi.io/cluster": kafka["metadata"]["name"], "strimzi.io/kind": "Kafka"}),
            kafka["spec"]["kafka"]["listeners"][0]["port"],
        ),
        "postgres": (
            Pod({"cnpg.io/cluster": named(objects, "Cluster", "apoyo-db")["metadata"]["name"]}),
            5432,
        ),
        "s3": (
            Pod(store["metadata"]["labels"]),
            store["spec"]["containers"][0]["ports"][0]["containerPort"],
        ),
    }


@pytest.fixture(params=OVERLAYS)
def objects(request: pytest.FixtureRequest) -> tuple[Manifest, ...]:
    return with_strimzi_listener_policy(render(request.param))


def test_everything_is_denied_unless_a_policy_allows_it(objects: tuple[Manifest, ...]) -> None:
    both = {"Ingress", "Egress"}
    deny = [
        p["spec"] for p in of_kind(objects, "NetworkPolicy")
        if p["spec"].get("podSelector") == {} and set(p["spec"]["policyTypes"]) == both
        and not p["spec"].get("ingress") and not p["spec"].get("egress")
    ]  # fmt: skip
    assert len(deny) == 1


@pytest.mark.parametrize("service", list(BUILDERS))
def test_a_service_reaches_kafka_postgres_and_the_store(
    objects: tuple[Manifest, ...], service: str
) -> None:
    pod = pod_of(objects, service)
    for what, (target, port) in needed(objects).items():
        assert may_connect(objects, pod, target, port), what
        assert not may_connect(objects, pod, target, port + 1), what
    dns = in_namespace("kube-system", **{"k8s-app": "kube-dns"})
    assert may_connect(objects, pod, dns, 53, "UDP")


@pytest.mark.parametrize("service", list(BUILDERS))
def test_services_do_not_reach_each_other(objects: tuple[Manifest, ...], service: str) -> None:
    pod = pod_of(objects, service)
    for other in set(BUILDERS) - {service}:
        assert not may_connect(objects, pod, pod_of(objects, other), 8000), other


@pytest.mark.parametrize("service", list(BUILDERS))
def test_only_notification_leaves_the_cluster_and_only_for_mail(
    objects: tuple[Manifest, ...], service: str
) -> None:
    pod = pod_of(objects, service)
    assert may_connect(objects, pod, SMTP_RELAY, 587) == (service == "notification")
    assert not may_connect(objects, pod, SMTP_RELAY, 443)
    assert not may_connect(objects, pod, outside("10.1.2.3"), 587)


@pytest.mark.parametrize("service", list(BUILDERS))
def test_who_reaches_a_service(objects: tuple[Manifest, ...], service: str, tmp_path: Path) -> None:
    """Prometheus reaches every service; the ingress controller those that serve routes."""
    pod = pod_of(objects, service)
    public = build_all(objects, tmp_path)[service].serves_routes
    assert may_connect(objects, PROMETHEUS, pod, 8000)
    assert may_connect(objects, INGRESS, pod, 8000) == public
    stranger = in_namespace("default", **{"app.kubernetes.io/name": "apoyo"})
    assert not may_connect(objects, stranger, pod, 8000)


def test_the_data_stores_take_no_one_else(objects: tuple[Manifest, ...]) -> None:
    # Labelled like a service, but in another namespace: only the stores' ingress rules judge.
    stranger = in_namespace("default", **{"app.kubernetes.io/name": "apoyo"})
    for what, (target, port) in needed(objects).items():
        assert not may_connect(objects, stranger, target, port), what
