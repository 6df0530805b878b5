"""The OpenAPI document a process serves at /openapi.json: capture's FastAPI description plus
the plain Starlette routes of the other units, each unit describing its own routes (`Api`).

One document per process: `serve all` shows every route; a service deployed alone shows its
own. Every refusal has the one shape `{"error", "detail"}` (interfaces.md §5), so each
operation's 422 and its `default` answer name `Refusal`, and clients and the fuzzer check
error bodies against it as they check the successful ones.
"""

import copy
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

Json = dict[str, Any]
REF = "#/components/schemas/{model}"
BEARER: list[Json] = [{"bearer": []}]
_METHODS = {"get", "post", "put", "patch", "delete"}


class Refusal(BaseModel):
    """Every error: a stable code and a detail for people, in Spanish."""

    error: str
    detail: Any


@dataclass(frozen=True)
class Api:
    """A unit's share of the document: its paths, and the models their schemas name."""

    paths: Json
    models: Sequence[type[BaseModel]] = ()


def ref(model: type[BaseModel]) -> Json:
    return {"$ref": REF.format(model=model.__name__)}


def answer(description: str, model: type[BaseModel] | None = None, media: str = "") -> Json:
    """A response: JSON of `model`, or a body of another media type (`media`)."""
    if model is not None:
        return {"description": description, "content": {"application/json": {"schema": ref(model)}}}
    if media:
        return {"description": description, "content": {media: {"schema": {}}}}
    return {"description": description}


def parameter(name: str, where: str = "path", schema: Json | None = None) -> Json:
    required = where == "path"
    return {"name": name, "in": where, "required": required, "schema": schema or {"type": "string"}}


def operation(
    summary: str,
    responses: dict[int, Json],
    *,
    params: Iterable[Json] = (),
    body: type[BaseModel] | None = None,
    secured: bool = True,
    tag: str = "",
) -> Json:
    described: Json = {
        "summary": summary,
        "parameters": list(params),
        "responses": {str(status): given for status, given in responses.items()},
    }
    if body is not None:
        content = {"application/json": {"schema": ref(body)}}
        described["requestBody"] = {"required": True, "content": content}
    if secured:
        described["security"] = BEARER
    if tag:
        described["tags"] = [tag]
    return described


def document(base: Json | None, apis: Iterable[Api]) -> Json:
    """`base` (capture's FastAPI document, when served) with every unit's `Api` merged in."""
    served = copy.deepcopy(base) if base else skeleton()
    components = served.setdefault("components", {})
    schemas = components.setdefault("schemas", {})
    models: list[type[BaseModel]] = [Refusal]
    for api in apis:
        served.setdefault("paths", {}).update(copy.deepcopy(api.paths))
        models.extend(api.models)
    _, defs = models_json_schema([(m, "serialization") for m in models], ref_template=REF)
    for name, schema in defs.get("$defs", {}).items():
        if schemas.setdefault(name, schema) != schema:
            raise ValueError(f"two different models named {name} in the OpenAPI document")
    for unused in ("HTTPValidationError", "ValidationError"):
        schemas.pop(unused, None)
    components["securitySchemes"] = {"bearer": {"type": "http", "scheme": "bearer"}}
    for described in _operations(served):
        _refusals(described)
    return served


def skeleton() -> Json:
    info = {"title": "apoyo", "version": "1.0.0"}
    return {"openapi": "3.1.0", "info": info, "paths": {}}


def _operations(served: Json) -> Iterable[Json]:
    for item in served.get("paths", {}).values():
        yield from (described for method, described in item.items() if method in _METHODS)


def _refusals(described: Json) -> None:
    """422 and every other refusal as `Refusal` (capture turns FastAPI's validation errors
    into it); the bearer token, where a route reads one, as a security scheme, not a header."""
    responses = described.setdefault("responses", {})
    refused = answer("Negativa: {error, detail}", Refusal)
    if "422" in responses:
        responses["422"] = refused
    responses["default"] = refused
    params = described.get("parameters", [])
    header = [p for p in params if p.get("in") == "header" and p["name"] == "authorization"]
    if header:
        described["parameters"] = [p for p in params if p not in header]
        described["security"] = BEARER
