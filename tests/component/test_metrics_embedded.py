"""After a support went through every stage of `apoyo serve all --embedded`, /metrics shows
the series of docs/operations.md with values that fit the work done, and no id in any label."""

import json
import time
from collections.abc import Iterator

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from apoyo.client import support_data, support_files
from apoyo.demo import capture_window_around_now
from apoyo.synthetic.roll import demo_process
from tests.component import embedded_server
from tests.component.embedded_server import EmbeddedServer, bearer
from tests.factories import citizen
from tests.roll_files import CUT

pytestmark = pytest.mark.component
PROCESS = demo_process(CUT) | {"capture": capture_window_around_now()}
STAGES = (
    "support.captured",
    "identity.decoded",
    "support.verified",
    "support.notified",
    "support.exported",
)
Samples = list[tuple[str, dict[str, str], float]]


@pytest.fixture(scope="module")
def server() -> Iterator[EmbeddedServer]:
    with embedded_server.serving({}, [citizen(0)], CUT, PROCESS) as running:
        yield running


def scrape(server: EmbeddedServer) -> tuple[str, Samples]:
    text = httpx.get(f"{server.url}/metrics").text
    found = [
        (s.name, s.labels, s.value)
        for family in text_string_to_metric_families(text)
        for s in family.samples
    ]
    return text, found


def value(samples: Samples, name: str, **labels: str) -> float:
    """The sum over the series of `name` whose labels include `labels`."""
    return sum(v for n, got, v in samples if n == name and labels.items() <= got.items())


def exported(server: EmbeddedServer, seconds: float = 90) -> tuple[str, Samples]:
    """The scrape once every stage has observed the support. The in-memory broker runs the
    later stages inside the earlier stage's publish, and an age is observed when its publish
    returns: export is seen first and capture last, so waiting for export alone races."""
    deadline = time.monotonic() + seconds
    text, samples = scrape(server)
    while not all(value(samples, "apoyo_support_age_seconds_count", stage=s) for s in STAGES):
        assert time.monotonic() < deadline, "the support never went through every stage"
        time.sleep(0.3)
        text, samples = scrape(server)
    return text, samples


def test_the_series_after_one_support_went_through(server: EmbeddedServer) -> None:
    person = citizen(0)
    aux = server.token("auxiliary", "gub-son-2027", "asp-01")
    posted = httpx.post(
        f"{server.url}/v1/supports",
        headers=bearer(aux) | {"Idempotency-Key": "metrics-1"},
        data={"data": json.dumps(support_data(person, "gub-son-2027", "asp-01"))},
        files=support_files(person),
        timeout=60,
    )
    assert posted.status_code == 202, posted.text
    support_id = posted.json()["support_id"]
    shown = httpx.get(f"{server.url}/v1/supports/{support_id}", headers=bearer(aux))
    assert shown.status_code in {200, 403}
    assert httpx.get(f"{server.url}/v1/nothing/{support_id}").status_code == 404
    text, samples = exported(server)

    requests = "apoyo_http_requests_total"
    assert (
        value(samples, requests, service="all", method="POST", route="/v1/supports", status="202")
        == 1
    )
    assert value(samples, requests, route="/v1/supports/{support_id}", method="GET") == 1
    assert value(samples, requests, route="unmatched", status="404") >= 1
    assert value(samples, "apoyo_http_request_seconds_count", route="/v1/supports") == 1
    assert 0 < value(samples, "apoyo_http_request_seconds_sum", route="/v1/supports") < 60

    ages = [value(samples, "apoyo_support_age_seconds_sum", stage=s) for s in STAGES]
    assert [value(samples, "apoyo_support_age_seconds_count", stage=s) for s in STAGES] == [1] * 5
    assert ages == sorted(ages) and ages[-1] < 90  # each stage later than the one before

    for service, topic in [("identity", "support.captured"), ("export", "support.notified")]:
        assert value(samples, "apoyo_handler_seconds_count", service=service, topic=topic) == 1
    for statement in ("SELECT", "INSERT", "UPDATE"):
        assert value(samples, "apoyo_db_query_seconds_count", statement=statement, outcome="ok") > 0
    assert value(samples, "apoyo_store_seconds_count", operation="put", outcome="ok") >= 3
    assert value(samples, "apoyo_store_seconds_count", operation="get_many", outcome="ok") == 1
    # The in-memory broker has no offsets: no lag is reported rather than a made-up one.
    assert "apoyo_consumer_lag{" not in text
    for secret in (support_id, person.curp, person.clave_elector, person.cic):
        assert secret not in text
