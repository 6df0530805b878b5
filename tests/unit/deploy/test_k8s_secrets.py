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
