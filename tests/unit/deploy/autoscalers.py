"""The replica bounds each Deployment gets from its autoscaler (HPA or KEDA ScaledObject)."""

from tests.unit.deploy.kube import Manifest, of_kind


def target_of(autoscaler: Manifest) -> str:
    name: str = autoscaler["spec"]["scaleTargetRef"]["name"]
    return name


def autoscalers(objects: tuple[Manifest, ...]) -> dict[str, list[Manifest]]:
    """Deployment name -> the autoscalers aimed at it."""
    found: dict[str, list[Manifest]] = {}
    for kind in ("HorizontalPodAutoscaler", "ScaledObject"):
        for autoscaler in of_kind(objects, kind):
            found.setdefault(target_of(autoscaler), []).append(autoscaler)
    return found


def bounds(autoscaler: Manifest) -> tuple[int, int]:
    spec = autoscaler["spec"]
    if autoscaler["kind"] == "HorizontalPodAutoscaler":
        return spec["minReplicas"], spec["maxReplicas"]
    return spec["minReplicaCount"], spec["maxReplicaCount"]


def max_replicas(objects: tuple[Manifest, ...], service: str) -> int:
    (autoscaler,) = autoscalers(objects)[f"apoyo-{service}"]
    return bounds(autoscaler)[1]
