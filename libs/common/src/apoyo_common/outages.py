"""Which errors say a dependency (PostgreSQL, the object store, Kafka) is out for the moment
rather than that the request or the message is bad.

Capture answers them with 503 and a JSON error (the client sends the support again with the
same idempotency key); consumers keep the message and try again until the dependency is back,
instead of spending its attempts and parking it on the dead-letter topic. A message is only
dead-lettered for what is wrong with it.
"""

import asyncpg
import urllib3.exceptions
from aiokafka.errors import KafkaError
from minio.error import ServerError

_UNREACHABLE = (
    ConnectionError,  # refused, reset
    TimeoutError,
    asyncpg.PostgresConnectionError,  # class 08: the connection failed or was lost
    asyncpg.exceptions.OperatorInterventionError,  # 57P: shutting down, starting up
    asyncpg.TooManyConnectionsError,
)


# The classes an outage is raised as (each also has subclasses that are not outages).
OUTAGE_KINDS: tuple[type[Exception], ...] = (
    OSError,
    asyncpg.PostgresError,
    asyncpg.InterfaceError,
    asyncpg.InternalClientError,
    urllib3.exceptions.HTTPError,
    ServerError,
    KafkaError,
)


def is_outage(error: BaseException) -> bool:
    """The error, or one it was raised from, means a dependency could not be reached."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        if _unreachable(current):
            return True
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return False


def _unreachable(error: BaseException) -> bool:
    if isinstance(error, _UNREACHABLE):
        return True
    if isinstance(error, asyncpg.InterfaceError):  # "connection is closed", "pool is closing"
        return "clos" in str(error)
    if isinstance(error, asyncpg.InternalClientError):  # a connection lost mid-operation
        return "another operation" in str(error)
    if isinstance(error, urllib3.exceptions.HTTPError):  # refused, reset, retries used up
        return True
    if isinstance(error, ServerError):  # the object store answered 5xx
        return True
    return isinstance(error, KafkaError) and bool(getattr(error, "retriable", False))
