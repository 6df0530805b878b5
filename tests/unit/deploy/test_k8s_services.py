"""The five services' Deployments: what Kubernetes needs to run, probe, spread and scale them."""

from typing import Any

import pytest
from starlette.routing import Route

from apoyo.services import BUILDERS
from apoyo_common.ops import ops_routes
from tests.unit.deploy.autoscalers import autoscalers, bounds
from tests.unit.deploy.consumers import deployments, settings_for
from tests.unit.deploy.kube import OVERLAYS, Manifest, named, of_kind, render


async def _no_checks() -> dict[str, bool]:
    return {}


OPS_PATHS = {r.path for r in ops_routes(_no_checks) if isinstance(r, Route)}


def container(deployment: Manifest) -> dict[str, Any]:
    (only,) = deployment["spec"]["template"]["spec"]["containers"]
    return dict(only)


def port_number(container: dict[str, Any], port: int | str) -> int:
    if isinstance(port, int):
        return port
    (number,) = [p["containerPort"] for p in container["ports"] if p["name"] == port]
    return int(number)


def selects(selector: dict[str, Any], labels: dict[str, str]) -> bool:
    return all(labels.get(k) == v for k, v in selector["matchLabels"].items())


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_service_has_a_deployment_that_serves_it(overlay: str) -> None:
    found = deployments(render(overlay))
    assert set(found) == set(BUILDERS)
    for service, deployment in found.items():
        assert container(deployment)["args"] == ["serve", service]


@pytest.mark.parametrize("overlay", OVERLAYS)
@pytest.mark.parametrize("service", list(BUILDERS))
def test_probes_ask_the_service_on_its_real_paths_and_port(overlay: str, service: str) -> None:
    objects = render(overlay)
    main = container(named(objects, "Deployment", f"apoyo-{service}"))
    port = settings_for(objects, service).http_port
    for probe, path in (("readinessProbe", "/readyz"), ("livenessProbe", "/healthz")):
        get = main[probe]["httpGet"]
        assert get["path"] == path and path in OPS_PATHS
        assert port_number(main, get["port"]) == port
    service_ports = named(objects, "Service", f"apoyo-{service}")["spec"]["ports"]
    assert [port_number(main, p["targetPort"]) for p in service_ports] == [port]


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_service_asks_for_cpu_and_memory_and_caps_memory(overlay: str) -> None:
    for deployment in deployments(render(overlay)).values():
        resources = container(deployment)["resources"]
        assert {"cpu", "memory"} <= set(resources["requests"])
        assert "memory" in resources["limits"]


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_deployment_has_a_disruption_budget_that_keeps_one_running(overlay: str) -> None:
    objects = render(overlay)
    budgets = of_kind(objects, "PodDisruptionBudget")
    for name, deployment in deployments(objects).items():
        labels = deployment["spec"]["template"]["metadata"]["labels"]
        (budget,) = [b for b in budgets if selects(b["spec"]["selector"], labels)]
        (autoscaler,) = autoscalers(objects)[f"apoyo-{name}"]
        assert budget["spec"]["maxUnavailable"] < bounds(autoscaler)[0], name


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_the_autoscaler_alone_owns_the_replica_count(overlay: str) -> None:
    objects = render(overlay)
    scaled = autoscalers(objects)
    for name, deployment in deployments(objects).items():
        assert len(scaled[f"apoyo-{name}"]) == 1, name
        assert "replicas" not in deployment["spec"], name
        low, high = bounds(scaled[f"apoyo-{name}"][0])
        assert 2 <= low <= high


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_capture_scales_on_cpu(overlay: str) -> None:
    (hpa,) = autoscalers(render(overlay))["apoyo-capture"]
    assert hpa["kind"] == "HorizontalPodAutoscaler"
    assert [m["resource"]["name"] for m in hpa["spec"]["metrics"]] == ["cpu"]


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_containers_run_unprivileged_on_a_read_only_root(overlay: str) -> None:
    for deployment in deployments(render(overlay)).values():
        pod = deployment["spec"]["template"]["spec"]
        assert pod["securityContext"]["runAsNonRoot"] is True
        context = container(deployment)["securityContext"]
        assert context["readOnlyRootFilesystem"] is True
        assert context["allowPrivilegeEscalation"] is False


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_identity_says_how_many_workers_a_pod_runs(overlay: str) -> None:
    """os.cpu_count() in a container counts the node's cores: the setting must be explicit,
    and the pod must have the CPUs for it."""
    objects = render(overlay)
    workers = settings_for(objects, "identity").identity_workers
    cpu = container(named(objects, "Deployment", "apoyo-identity"))["resources"]["requests"]["cpu"]
    assert workers >= 1 and float(cpu) >= workers
