"""Secrets are referenced, never committed: no Secret is rendered, and every one a manifest
names is documented in deploy/k8s/base/secrets.md."""

import re
from collections.abc import Iterator
from typing import Any

import pytest

from tests.paths import ROOT
from tests.unit.deploy.kube import OVERLAYS, render

DOCUMENTED = set(
    re.findall(r"^\| `([a-z0-9-]+)` \|", (ROOT / "deploy/k8s/base/secrets.md").read_text(), re.M)
)


def secret_names(node: Any) -> Iterator[str]:
    """Every secret named anywhere: envFrom secretRef, env secretKeyRef, secret volumes."""
    if isinstance(node, list):
        for item in node:
            yield from secret_names(item)
    elif isinstance(node, dict):
        for key, value in node.items():
            if key in ("secretRef", "secretKeyRef") and isinstance(value, dict):
                yield value["name"]
            elif key == "secret" and isinstance(value, dict) and "secretName" in value:
                yield value["secretName"]
            else:
                yield from secret_names(value)


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_no_secret_is_committed(overlay: str) -> None:
    assert [m["metadata"]["name"] for m in render(overlay) if m["kind"] == "Secret"] == []


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_referenced_secret_is_documented(overlay: str) -> None:
    named = set(secret_names(list(render(overlay))))
    assert named and named <= DOCUMENTED, named - DOCUMENTED


def test_the_finder_sees_every_way_of_naming_a_secret() -> None:
    pod = {
        "envFrom": [{"secretRef": {"name": "a"}}],
        "env": [{"valueFrom": {"secretKeyRef": {"name": "b", "key": "k"}}}],
        "volumes": [{"secret": {"secretName": "c"}}],
    }
    assert set(secret_names(pod)) == {"a", "b", "c"}


def signers() -> set[str]:
    """The services whose wiring takes the institute's signing key (certificates, packages)."""
    found = ROOT.glob("services/*/src/apoyo_*/bootstrap.py")
    return {p.parts[-4] for p in found if "institute_key(" in p.read_text()}


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_service_that_signs_has_the_institute_key(overlay: str) -> None:
    """Without the file a replica signs with a key of its own, made at start: certificates and
    packages that `apoyo export verify` refuses, and another key at each restart."""
    env = {
        m["metadata"]["labels"]["app.kubernetes.io/component"]: {
            e["name"]: e.get("value")
            for c in m["spec"]["template"]["spec"]["containers"]
            for e in c.get("env", [])
        }
        for m in render(overlay)
        if m["kind"] == "Deployment"
    }
    assert signers() == {"capture", "export"}
    for service in signers():
        assert env[service].get("APOYO_SIGNING_KEY_FILE") == "/etc/apoyo/signing/key.pem", service
