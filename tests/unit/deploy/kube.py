"""Render deploy/k8s with kustomize and validate every object strictly, offline.

Core kinds go through `kubernetes-validate`'s strict schemas (unknown fields are errors).
Custom resources go through the `openAPIV3Schema` of their operator's own CRD, collected by
scripts/k8s-tools.sh, made strict the way the API server prunes: an object schema that lists
its properties and neither allows more nor preserves unknown fields rejects any other key.
CEL rules (`x-kubernetes-validations`) and formats are not evaluated.
"""

import functools
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import kubernetes_validate
import yaml
from referencing import Registry, Resource

from tests.paths import ROOT

KUBERNETES_VERSION = "1.33"  # the oldest minor the manifests promise to run on
TOOLS = ROOT / ".local" / "k8s"
OVERLAYS = ("small", "large")
Manifest = dict[str, Any]
DEFINITIONS = "https://kubernetes.io/api/_definitions.json"


def kustomize() -> Path:
    binary = TOOLS / "kustomize"
    if not binary.exists():
        raise RuntimeError(f"{binary} is missing: run `bash scripts/k8s-tools.sh`")
    return binary


@functools.cache
def render(overlay: str) -> tuple[Manifest, ...]:
    path = ROOT / "deploy" / "k8s" / "overlays" / overlay
    built = subprocess.run(
        [str(kustomize()), "build", str(path)], capture_output=True, text=True, check=False
    )
    if built.returncode:
        raise RuntimeError(f"kustomize build {path}: {built.stderr}")
    return tuple(doc for doc in yaml.safe_load_all(built.stdout) if doc)


def of_kind(objects: tuple[Manifest, ...], kind: str) -> list[Manifest]:
    return [o for o in objects if o["kind"] == kind]


def named(objects: tuple[Manifest, ...], kind: str, name: str) -> Manifest:
    found = [o for o in of_kind(objects, kind) if o["metadata"]["name"] == name]
    assert len(found) == 1, f"{kind}/{name}: {len(found)} found"
    return found[0]


def strict(schema: Any) -> Any:
    """The schema with `additionalProperties: false` wherever the API server would prune."""
    if isinstance(schema, list):
        return [strict(s) for s in schema]
    if not isinstance(schema, dict):
        return schema
    out = {k: strict(v) for k, v in schema.items()}
    open_ended = "additionalProperties" in out or out.get("x-kubernetes-preserve-unknown-fields")
    if "properties" in out and not open_ended:
        out["additionalProperties"] = False
    return out


@functools.cache
def crd_schemas() -> dict[tuple[str, str], Any]:
    """(apiVersion, kind) -> strict JSON schema, for every version of every collected CRD."""
    crds = TOOLS / "crds"
    if not crds.is_dir():
        raise RuntimeError(f"{crds} is missing: run `bash scripts/k8s-tools.sh`")
    schemas: dict[tuple[str, str], Any] = {}
    for path in sorted(crds.glob("*.yaml")):
        crd = yaml.safe_load(path.read_text())
        group, kind = crd["spec"]["group"], crd["spec"]["names"]["kind"]
        for version in crd["spec"]["versions"]:
            schema = strict(version["schema"]["openAPIV3Schema"])
            schema["properties"]["metadata"] = {"$ref": f"{DEFINITIONS}#/$defs/{OBJECT_META}"}
            schemas[(f"{group}/{version['name']}", kind)] = schema
    return schemas


OBJECT_META = "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"


@functools.cache
def definitions() -> Registry[Any]:
    """The core definitions, so a custom resource's metadata is checked like any object's."""
    contents = kubernetes_validate.utils.schema_contents(
        f"kubernetes-json-schema/v{KUBERNETES_VERSION}.0-local-strict/_definitions.json",
        KUBERNETES_VERSION,
    )
    resource: Resource[Any] = Resource.from_contents(contents)
    registry: Registry[Any] = Registry().with_resource(DEFINITIONS, resource)
    return registry


def problems(manifest: Manifest) -> Iterator[str]:
    """What is wrong with one object against its schema (nothing when it is valid)."""
    key = (manifest.get("apiVersion", ""), manifest.get("kind", ""))
    where = f"{key[1]}/{manifest.get('metadata', {}).get('name')}"
    schema = crd_schemas().get(key)
    if schema is None:
        try:
            kubernetes_validate.validate(manifest, KUBERNETES_VERSION, strict=True)
        except kubernetes_validate.utils.SchemaNotFoundError as missing:
            yield f"{where}: no schema: {missing.message}"
        except jsonschema.ValidationError as invalid:
            yield f"{where}: {invalid.json_path}: {invalid.message}"
        return
    validator = jsonschema.Draft202012Validator(schema, registry=definitions())
    for error in validator.iter_errors(manifest):
        yield f"{where}: {error.json_path}: {error.message}"
