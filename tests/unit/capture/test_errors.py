"""A capture request that meets PostgreSQL or the object store down is answered 503 with a JSON
error and Retry-After (the client sends it again); any other surprise stays a 500."""

import asyncpg
import httpx
import pytest
import urllib3.exceptions
from fastapi import FastAPI

from apoyo_capture.http import errors


def app_raising(error: Exception) -> FastAPI:
    app = FastAPI()
    errors.install(app)

    @app.post("/v1/supports")
    async def post() -> None:
        raise error

    return app


async def answer_to(error: Exception, answered_then_raised: bool = False) -> httpx.Response:
    """With `answered_then_raised` False, an error the app raises again after answering (as
    Starlette does for a handler of `Exception`: a traceback, a dropped connection) fails."""
    app = app_raising(error)
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=not answered_then_raised)
    async with httpx.AsyncClient(transport=transport, base_url="http://capture") as client:
        return await client.post("/v1/supports")


@pytest.mark.parametrize(
    "error",
    [
        ConnectionRefusedError(111, "Connect call failed"),
        asyncpg.CannotConnectNowError("the database system is starting up"),
        urllib3.exceptions.MaxRetryError(None, "/evidence/x", None),  # type: ignore[arg-type]
        asyncpg.InternalClientError("cannot switch to state 12; another operation is in progress"),
    ],
    ids=lambda e: type(e).__name__,
)
async def test_a_dependency_down_is_a_clear_503_and_not_raised_again(error: Exception) -> None:
    answer = await answer_to(error)
    assert answer.status_code == 503 and answer.headers["Retry-After"] == "5"
    assert answer.json() == {"error": "unavailable", "detail": errors.UNAVAILABLE}


async def test_anything_else_stays_an_internal_error() -> None:
    answer = await answer_to(RuntimeError("a bug"), answered_then_raised=True)
    assert answer.status_code == 500 and answer.json()["error"] == "internal_error"
