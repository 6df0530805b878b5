"""`apoyo load`: its schedule, its tally of answers and retries, and the figures it prints."""

import asyncio
import json
import uuid
from typing import Any
from unittest.mock import ANY

import httpx
import pytest
from starlette.datastructures import UploadFile
from starlette.requests import Request

from apoyo.load import Plan, post_load
from apoyo.load_report import percentile, summary_lines
from apoyo.load_supports import SupportMaker
from apoyo.load_watch import bucket_quantile, handler_buckets
from apoyo.synthetic.people import make_citizens

FILES = {"credential_front": ("front.jpg", b"\xff\xd8front", "image/jpeg")}


def maker(people: int = 5) -> SupportMaker:
    aspirants = ("asp-01", "asp-02")
    return SupportMaker("gub-son-2027", aspirants, make_citizens(people, 3), [FILES], "t")


def test_a_plan_needs_a_count_or_a_duration() -> None:
    with pytest.raises(ValueError):
        Plan(rate=10)


def test_the_schedule_spreads_supports_at_the_rate_and_stops_at_the_duration() -> None:
    plan = Plan(rate=20, duration_s=2)
    assert [plan.due(i) for i in (0, 1, 20)] == [0.0, 0.05, 1.0]
    assert plan.wants(39, elapsed=5.0) and not plan.wants(40, elapsed=0.0)
    flat_out = Plan(count=3)
    assert flat_out.wants(2, elapsed=100.0) and not flat_out.wants(3, elapsed=0.0)
    assert Plan(duration_s=1).wants(10**6, 0.5) and not Plan(duration_s=1).wants(0, 1.0)


def test_each_support_varies_the_data_and_the_aspirant_and_has_its_own_key() -> None:
    made = maker()
    assert made.data(0)["clave_elector"] != made.data(1)["clave_elector"]
    assert (made.data(0)["aspirant_id"], made.data(1)["aspirant_id"]) == ("asp-01", "asp-02")
    assert made.key(0) != made.key(1) and made.files(7) is made.files(0)


def test_the_body_is_the_multipart_form_a_client_would_send() -> None:
    made = SupportMaker(
        "gub-son-2027", ("asp-01",), make_citizens(3, 3),
        [FILES | {"signature": ("firma.png", b"\x89PNG\r\n--x", "image/png")}], "t",
    )  # fmt: skip
    parts = asyncio.run(parsed(made.body(1), made.content_type))
    assert json.loads(parts.pop("data")) == {**made.data(1), "captured_at": ANY}
    assert parts == dict(made.files(1).items())
    assert made.body(4).endswith(made.body(1)[-200:])  # the file parts are encoded once


async def parsed(body: bytes, content_type: str) -> dict[str, Any]:
    """The parts as Starlette reads them: the field's text, each file's (name, bytes, type)."""
    scope = {"type": "http", "method": "POST", "path": "/",
             "headers": [(b"content-type", content_type.encode())]}  # fmt: skip

    async def receive() -> dict[str, object]:
        return {"type": "http.request", "body": body, "more_body": False}

    found: dict[str, Any] = {}
    async with Request(scope, receive).form() as form:
        for name, part in form.items():
            if isinstance(part, UploadFile):
                found[name] = (part.filename, await part.read(), part.content_type)
            else:
                found[name] = part
    return found


class FlakyCapture:
    """Answers 503 to the first attempt of every other key, 202 after; remembers each key's
    support id (an idempotent store) and the keys and tokens it saw."""

    def __init__(self) -> None:
        self.stored: dict[str, str] = {}
        self.attempts: list[tuple[str, str]] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        key = request.headers["Idempotency-Key"]
        self.attempts.append((key, request.headers["Authorization"]))
        first = sum(1 for k, _ in self.attempts if k == key) == 1
        if first and int(key.rsplit("-", 1)[1]) % 2:
            return httpx.Response(503, json={"error": "unavailable", "detail": "x"})
        support_id = self.stored.setdefault(key, str(uuid.uuid4()))
        return httpx.Response(202, json={"support_id": support_id, "status": "RECIBIDO"})


def test_retries_keep_the_key_and_every_answer_is_tallied() -> None:
    capture = FlakyCapture()

    async def run() -> object:
        transport = httpx.MockTransport(capture)
        async with httpx.AsyncClient(transport=transport, base_url="http://capture") as client:
            plan = Plan(count=10, concurrency=3, retries=2)
            return await post_load(client, maker(), ["a", "b"], plan)

    tally = asyncio.run(run())
    assert tally.statuses == {"202": 10, "503": 5}  # type: ignore[attr-defined]
    assert set(tally.accepted) == set(capture.stored.values())  # type: ignore[attr-defined]
    assert len(capture.stored) == 10 and len(capture.attempts) == 15
    assert {token for _, token in capture.attempts} == {"Bearer a", "Bearer b"}


def test_without_retries_a_503_is_not_acknowledged() -> None:
    def refused(request: httpx.Request) -> httpx.Response:
        return httpx.Response(503, json={"error": "unavailable", "detail": "x"})

    async def run() -> object:
        transport = httpx.MockTransport(refused)
        async with httpx.AsyncClient(transport=transport, base_url="http://capture") as client:
            return await post_load(client, maker(), ["a"], Plan(count=3))

    tally = asyncio.run(run())
    assert tally.accepted == {} and tally.statuses == {"503": 3}  # type: ignore[attr-defined]


def test_at_a_rate_a_support_sent_late_is_timed_from_when_it_was_due() -> None:
    async def slow(request: httpx.Request) -> httpx.Response:
        await asyncio.sleep(0.2)
        return httpx.Response(202, json={"support_id": str(uuid.uuid4()), "status": "RECIBIDO"})

    async def run() -> object:
        transport = httpx.MockTransport(slow)
        async with httpx.AsyncClient(transport=transport, base_url="http://capture") as client:
            return await post_load(client, maker(), ["a"], Plan(rate=20, count=4, concurrency=1))

    tally = asyncio.run(run())
    # Due at 0, 0.05, 0.10, 0.15 s; one connection sends them at 0, 0.2, 0.4, 0.6 s.
    waited = [0.2, 0.35, 0.5, 0.65]
    latencies = tally.latencies  # type: ignore[attr-defined]
    assert all(w <= got < w + 0.1 for w, got in zip(waited, latencies, strict=True))


def test_percentiles_are_nearest_rank() -> None:
    values = [float(v) for v in range(1, 101)]
    assert [percentile(values, q) for q in (0.5, 0.95, 0.99)] == [50.0, 95.0, 99.0]
    assert percentile([3.0], 0.99) == 3.0


SCRAPE = """# TYPE apoyo_handler_seconds histogram
apoyo_handler_seconds_bucket{service="identity",topic="support.captured",le="0.1"} 10.0
apoyo_handler_seconds_bucket{service="identity",topic="support.captured",le="1.0"} 90.0
apoyo_handler_seconds_bucket{service="identity",topic="support.captured",le="+Inf"} 100.0
apoyo_handler_seconds_count{service="identity",topic="support.captured"} 100.0
apoyo_handler_seconds_sum{service="identity",topic="support.captured"} 40.0
"""


def test_stage_times_come_from_the_handler_histogram_buckets() -> None:
    buckets = handler_buckets(SCRAPE)[("identity", "support.captured")]
    assert buckets == [(0.1, 10.0), (1.0, 90.0), (float("inf"), 100.0)]
    assert bucket_quantile(buckets, 0.5) == pytest.approx(0.1 + 0.9 * 40 / 80)
    assert bucket_quantile(buckets, 0.99) == 1.0  # in the open bucket: its lower bound


def test_the_summary_names_the_rate_the_answers_and_the_percentiles() -> None:
    report = {
        "sent": 12, "accepted": 10, "elapsed_s": 2.0, "accepted_rate": 5.0, "slipped_s": 0.0,
        "statuses": {"202": 10, "503": 2}, "capture_ms": {"p50": 1, "p95": 2, "p99": 3},
        "drain_s": 4.0, "pipeline_rate": 1.7, "sample": 10, "sample_statuses": {"VALIDO": 10},
        "reception_to_outcome_ms": {"p50": 5}, "stages": {"identity<-x": {"count": 10, "p50": 0.2}},
    }  # fmt: skip
    text = "\n".join(summary_lines(report))
    assert "5.0 supports/s accepted" in text and "'503': 2" in text and "'p99': 3" in text
    assert "stage identity<-x handler ms: {'count': 10, 'p50': 200.0}" in text
