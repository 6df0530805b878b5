"""Which errors are a dependency's outage (wait, answer 503) and which are the message's."""

import asyncpg
import pytest
import urllib3.exceptions
from aiokafka.errors import KafkaConnectionError, MessageSizeTooLargeError
from minio.error import ServerError

from apoyo_common.outages import is_outage

OUT = [
    ConnectionRefusedError(111, "Connect call failed"),
    TimeoutError(),
    asyncpg.CannotConnectNowError("the database system is starting up"),
    asyncpg.AdminShutdownError("terminating connection due to administrator command"),
    asyncpg.ConnectionDoesNotExistError("connection was closed in the middle of operation"),
    asyncpg.InterfaceError("connection is closed"),
    asyncpg.InternalClientError("cannot switch to state 12; another operation (2) is in progress"),
    urllib3.exceptions.MaxRetryError(None, "/bucket/key", None),  # type: ignore[arg-type]
    ServerError("server failed with HTTP status code 503", 503),
    KafkaConnectionError(),
]
NOT_OUT = [
    ValueError("bad image"),
    asyncpg.UniqueViolationError("duplicate key"),
    asyncpg.InterfaceError("cannot perform operation: another operation is in progress"),
    MessageSizeTooLargeError(),  # not retriable: the message itself
    FileNotFoundError("no such object"),
]


@pytest.mark.parametrize("error", OUT, ids=lambda e: type(e).__name__)
def test_an_unreachable_dependency_is_an_outage(error: BaseException) -> None:
    assert is_outage(error)


@pytest.mark.parametrize("error", NOT_OUT, ids=lambda e: type(e).__name__)
def test_what_is_wrong_with_the_work_is_not(error: BaseException) -> None:
    assert not is_outage(error)


def test_an_outage_wrapped_in_another_error_is_still_one() -> None:
    try:
        try:
            raise ConnectionResetError("reset by peer")
        except ConnectionResetError as cause:
            raise RuntimeError("fetching the evidence failed") from cause
    except RuntimeError as wrapped:
        assert is_outage(wrapped)
