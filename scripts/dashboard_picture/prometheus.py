"""The two questions Grafana's Prometheus data source asks for these dashboards, over
Prometheus's HTTP API: a range query per target, and a label's values for a variable."""

import math
from dataclasses import dataclass

import httpx


@dataclass(frozen=True)
class Series:
    labels: dict[str, str]
    times: list[float]  # Unix seconds, one per step where the series has a value
    values: list[float]


class PrometheusError(RuntimeError):
    pass


def _answer(response: httpx.Response) -> object:
    body = response.json()
    if body.get("status") != "success":
        raise PrometheusError(f"{body.get('errorType')}: {body.get('error')}")
    return body["data"]


def query_range(
    client: httpx.Client, expr: str, start: float, end: float, step: float
) -> list[Series]:
    """Evaluate `expr` every `step` seconds from `start` to `end` (aligned to the step, as
    Grafana aligns them)."""
    start, end = math.floor(start / step) * step, math.ceil(end / step) * step
    params = {"query": expr, "start": f"{start:.3f}", "end": f"{end:.3f}", "step": f"{step:g}"}
    data = _answer(client.get("/api/v1/query_range", params=params))
    assert isinstance(data, dict)
    return [
        Series(
            labels=dict(found["metric"]),
            times=[float(t) for t, _ in found["values"]],
            values=[float(v) for _, v in found["values"]],
        )
        for found in data["result"]
    ]


def label_values(
    client: httpx.Client, selector: str, label: str, start: float, end: float
) -> list[str]:
    """The values `label` takes in the series `selector` matches within the window."""
    params = {"match[]": selector, "start": f"{start:.3f}", "end": f"{end:.3f}"}
    data = _answer(client.get(f"/api/v1/label/{label}/values", params=params))
    assert isinstance(data, list)
    return sorted(str(value) for value in data)
