"""Who may talk to whom under the rendered NetworkPolicies: a small evaluator of the rules
(label selectors, namespace selectors, IP blocks, ports) for the tests to ask."""

import ipaddress
from dataclasses import dataclass, field
from typing import Any

from tests.unit.deploy.kube import Manifest, of_kind

NAMESPACE = "apoyo"


@dataclass(frozen=True)
class Pod:
    labels: dict[str, str]
    namespace: str = NAMESPACE
    ip: str | None = None  # set for an address outside the cluster
    namespace_labels: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.namespace_labels.setdefault("kubernetes.io/metadata.name", self.namespace)


def outside(ip: str) -> Pod:
    return Pod({}, namespace="", ip=ip)


def in_namespace(namespace: str, **labels: str) -> Pod:
    return Pod(dict(labels), namespace=namespace)


def selects(selector: dict[str, Any], labels: dict[str, str]) -> bool:
    if not all(labels.get(k) == v for k, v in selector.get("matchLabels", {}).items()):
        return False
    return all(_expression(e, labels) for e in selector.get("matchExpressions", []))


def _expression(expression: dict[str, Any], labels: dict[str, str]) -> bool:
    key, operator = expression["key"], expression["operator"]
    values = expression.get("values", [])
    return {
        "In": key in labels and labels[key] in values,
        "NotIn": key not in labels or labels[key] not in values,
        "Exists": key in labels,
        "DoesNotExist": key not in labels,
    }[operator]


def _peer_matches(peer: dict[str, Any], other: Pod) -> bool:
    if "ipBlock" in peer:
        return other.ip is not None and _in_block(peer["ipBlock"], other.ip)
    if other.ip is not None:
        return False
    if "namespaceSelector" in peer:
        in_namespace = selects(peer["namespaceSelector"], other.namespace_labels)
    else:
        in_namespace = other.namespace == NAMESPACE
    return in_namespace and selects(peer.get("podSelector", {}), other.labels)


def _in_block(block: dict[str, Any], ip: str) -> bool:
    address = ipaddress.ip_address(ip)
    excluded = any(address in ipaddress.ip_network(c) for c in block.get("except", []))
    return address in ipaddress.ip_network(block["cidr"]) and not excluded


def _port_matches(rule: dict[str, Any], port: int, protocol: str) -> bool:
    ports = rule.get("ports")
    if not ports:
        return True
    return any(p["port"] == port and p.get("protocol", "TCP") == protocol for p in ports)


def _allowed(objects: tuple[Manifest, ...], direction: str, pod: Pod, other: Pod, port: int,
             protocol: str) -> bool:  # fmt: skip
    key, peers = ("egress", "to") if direction == "Egress" else ("ingress", "from")
    for policy in of_kind(objects, "NetworkPolicy"):
        spec = policy["spec"]
        if direction not in spec["policyTypes"] or not selects(spec["podSelector"], pod.labels):
            continue
        for rule in spec.get(key, []):
            reached = any(_peer_matches(p, other) for p in rule.get(peers, [{}]))
            if reached and _port_matches(rule, port, protocol):
                return True
    return False


def may_connect(objects: tuple[Manifest, ...], source: Pod, target: Pod, port: int,
                protocol: str = "TCP") -> bool:  # fmt: skip
    """Both ends agree: the source's egress (if it is in our namespace) and the target's
    ingress (likewise); a pod elsewhere is ruled by its own namespace's policies, not ours."""
    leaves = source.namespace != NAMESPACE or _allowed(
        objects, "Egress", source, target, port, protocol
    )
    enters = target.namespace != NAMESPACE or _allowed(
        objects, "Ingress", target, source, port, protocol
    )
    return leaves and enters
