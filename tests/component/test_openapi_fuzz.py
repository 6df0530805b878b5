"""Hostile input, generated: schemathesis reads the served /openapi.json of `serve all` and
sends every operation valid and invalid requests with each role's token, and without one.
No answer may be a 5xx, and every answer (refusals included) must match the document.

Bounded for `make test`: a fixed seed (derandomized), a capped number of examples per
operation and mode, no shrinking; failures are collected per operation, not raised midway.
"""

from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from apoyo.demo import capture_window_around_now
from apoyo.synthetic.roll import demo_process
from apoyo_common.openapi import Json
from apoyo_verification.hearing.views import HEARING_PATH
from apoyo_verification.http import PROGRESS_PATH
from tests.component import embedded_server
from tests.component.embedded_server import EmbeddedServer, bearer
from tests.factories import citizen
from tests.roll_files import CUT

pytestmark = pytest.mark.component
PROCESS = demo_process(CUT) | {"capture": capture_window_around_now()}
# Limits off (0) and no answer floor: the fuzzer must reach the routes, not the buckets.
# The limits themselves are tested in test_hostile_http.py.
ENV = {
    "APOYO_RATE_IP_PER_S": "0",
    "APOYO_RATE_TOKEN_PER_S": "0",
    "APOYO_LOOKUP_RATE_IP_PER_S": "0",
    "APOYO_LOOKUP_RATE_CLAVE_PER_S": "0",
    "APOYO_LOOKUP_FLOOR_S": "0",
}
EXAMPLES = 10  # per operation, mode and role: about 2,500 requests in all
ROLES = ("ople", "aspirant", "auxiliary", "citizen", None)
CHECKS: list[Callable[..., Any]] = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@pytest.fixture(scope="module")
def served() -> Iterator[EmbeddedServer]:
    with embedded_server.serving(ENV, [citizen(i) for i in range(3)], CUT, PROCESS) as running:
        yield running


@pytest.fixture(scope="module")
def document(served: EmbeddedServer) -> Json:
    answer = httpx.get(f"{served.url}/openapi.json", timeout=30)
    assert answer.status_code == 200
    found: Json = answer.json()
    return found


@pytest.fixture(scope="module")
def headers(served: EmbeddedServer) -> dict[str | None, dict[str, str]]:
    """Each role's bearer header, bound to the process and aspirant the server knows."""
    tokens = {role: served.token(role, "gub-son-2027", "asp-01") for role in ROLES if role}
    return {None: {}} | {role: bearer(token) for role, token in tokens.items()}


def fuzz(operation: Any, url: str, headers: dict[str, str], mode: GenerationMode) -> list[str]:
    """Every failed check of up to EXAMPLES cases of one operation, as readable lines."""
    failures: list[str] = []
    sent = []

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=EXAMPLES,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def run(case: Any) -> None:
        response = case.call(base_url=url, headers=headers, timeout=60)
        sent.append(response.status_code)
        try:
            case.validate_response(response, checks=CHECKS)
        except (AssertionError, FailureGroup) as failed:
            first = str(failed).strip().splitlines()[:6]
            failures.append(f"{operation.label} [{mode.value}]: " + " | ".join(first))

    try:
        run()
    except Unsatisfiable:  # nothing to make invalid (no parameters nor body): nothing to send
        assert mode is GenerationMode.NEGATIVE
    assert sent or mode is GenerationMode.NEGATIVE, operation.label
    return failures[:3]


@pytest.mark.timeout(600)
@pytest.mark.parametrize("role", ROLES, ids=lambda r: r or "anonymous")
def test_no_operation_answers_5xx_or_outside_its_schema(
    served: EmbeddedServer,
    document: Json,
    headers: dict[str | None, dict[str, str]],
    role: str | None,
) -> None:
    schema = schemathesis.openapi.from_dict(document)
    failures: list[str] = []
    for found in schema.get_all_operations():
        operation = found.ok()  # type: ignore[union-attr]  # an invalid schema raises here
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            failures += fuzz(operation, served.url, headers[role], mode)
    assert failures == []


def test_known_answers_match_the_document(
    served: EmbeddedServer, document: Json, headers: dict[str | None, dict[str, str]]
) -> None:
    """The hand-written models of the plain Starlette routes against real successful answers
    (random ids seldom reach a 200)."""
    schema = schemathesis.openapi.from_dict(document)
    ours, template = "/v1/processes/gub-son-2027/aspirants/asp-01", PROGRESS_PATH
    reads = [
        ("ople", ours + "/progress", template),
        ("ople", "/v1/review/queue?process_id=gub-son-2027", "/v1/review/queue"),
        ("aspirant", ours + "/hearing", HEARING_PATH),
    ]
    for role, url, template in reads:
        answer = httpx.get(served.url + url, headers=headers[role], timeout=30)
        assert answer.status_code == 200, (url, answer.text)
        schema[template]["GET"].validate_response(answer)
