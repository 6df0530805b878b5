"""The services are pointed at the Kafka, PostgreSQL and object store the manifests create,
under the names their operators give them."""

import pytest

from apoyo.services import BUILDERS
from tests.unit.deploy.consumers import settings_for
from tests.unit.deploy.kube import OVERLAYS, Manifest, named, of_kind, render


def database_secrets(objects: tuple[Manifest, ...], service: str) -> set[tuple[str, str]]:
    pod = named(objects, "Deployment", f"apoyo-{service}")["spec"]["template"]["spec"]
    return {
        (e["valueFrom"]["secretKeyRef"]["name"], e["valueFrom"]["secretKeyRef"]["key"])
        for e in pod["containers"][0]["env"]
        if e["name"] == "APOYO_DATABASE_URL"
    }


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_kafka_is_reached_through_the_bootstrap_service_strimzi_makes(overlay: str) -> None:
    objects = render(overlay)
    (kafka,) = of_kind(objects, "Kafka")
    port = kafka["spec"]["kafka"]["listeners"][0]["port"]
    expected = f"{kafka['metadata']['name']}-kafka-bootstrap:{port}"
    assert {settings_for(objects, s).kafka_bootstrap for s in BUILDERS} == {expected}


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_the_database_url_is_the_uri_cloudnativepg_writes(overlay: str) -> None:
    objects = render(overlay)
    (cluster,) = of_kind(objects, "Cluster")
    expected = {(f"{cluster['metadata']['name']}-app", "uri")}
    assert cluster["spec"]["bootstrap"]["initdb"]["database"] == "apoyo"
    for service in BUILDERS:
        assert database_secrets(objects, service) == expected, service


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_the_object_store_endpoint_is_its_service(overlay: str) -> None:
    objects = render(overlay)
    host, port = settings_for(objects, "capture").s3_endpoint.split(":")
    store = named(objects, "Service", host)["spec"]
    assert [p["port"] for p in store["ports"]] == [int(port)]
    (statefulset,) = of_kind(objects, "StatefulSet")
    assert store["selector"] == statefulset["spec"]["template"]["metadata"]["labels"]


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_the_distributed_store_names_each_of_its_nodes(overlay: str) -> None:
    """MinIO's `{0...N}` host pattern must count the StatefulSet's replicas."""
    (statefulset,) = of_kind(render(overlay), "StatefulSet")
    spec = statefulset["spec"]
    hosts = [a for a in spec["template"]["spec"]["containers"][0]["args"] if "{0..." in a]
    if spec["replicas"] == 1:
        assert hosts == []
        return
    (pattern,) = hosts
    assert f"{{0...{spec['replicas'] - 1}}}" in pattern
    namespace = statefulset["metadata"]["namespace"]
    assert f".{spec['serviceName']}.{namespace}.svc." in pattern
