"""Prometheus metrics shared by every service (docs/operations.md lists them).

Labels never carry personal data nor ids: services, topics, stages, route templates (never the
raw path), SQL statement kinds, object-store operations, consumer groups and partitions.
"""

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)

REGISTRY = CollectorRegistry(auto_describe=True)
# Seconds, from a fast index lookup to a slow multipart upload.
CALL_BUCKETS = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30)
# Seconds a support has been in the system: from a moment to hours of backlog.
AGE_BUCKETS = (0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600, 10800)

MESSAGES_IN = Counter(
    "apoyo_messages_in_total",
    "Messages taken from a topic",
    ["service", "topic"],
    registry=REGISTRY,
)
MESSAGES_OUT = Counter(
    "apoyo_messages_out_total",
    "Messages published to a topic",
    ["service", "topic"],
    registry=REGISTRY,
)
REDELIVERED = Counter(
    "apoyo_messages_redelivered_total",
    "Messages already processed, answered again",
    ["service", "topic"],
    registry=REGISTRY,
)
FAILURES = Counter(
    "apoyo_handler_failures_total",
    "Handler attempts that raised",
    ["service", "topic"],
    registry=REGISTRY,
)
DEAD_LETTERS = Counter(
    "apoyo_dead_letters_total",
    "Messages sent to a dead-letter topic",
    ["service", "topic"],
    registry=REGISTRY,
)
HANDLER_SECONDS = Histogram(
    "apoyo_handler_seconds",
    "Time to handle one message",
    ["service", "topic"],
    registry=REGISTRY,
)
OUTBOX_PENDING = Histogram(
    "apoyo_outbox_batch_size",
    "Events relayed from the outbox per pass",
    ["service"],
    buckets=(0, 1, 5, 10, 50, 100, 500),
    registry=REGISTRY,
)

MAIL = Counter(
    "apoyo_mail_total",
    "E-mail attempts by kind and what became of them (SENT, FAILED, PENDING: rate-limited, ...)",
    ["kind", "state"],
    registry=REGISTRY,
)


HTTP_REQUESTS = Counter(
    "apoyo_http_requests_total",
    "HTTP requests answered, by route template (never the raw path) and status",
    ["service", "method", "route", "status"],
    registry=REGISTRY,
)
HTTP_SECONDS = Histogram(
    "apoyo_http_request_seconds",
    "Time to answer an HTTP request, by route template",
    ["service", "method", "route"],
    registry=REGISTRY,
)
DB_SECONDS = Histogram(
    "apoyo_db_query_seconds",
    "Time of one database statement (COPY not included), by kind and outcome",
    ["service", "statement", "outcome"],
    buckets=CALL_BUCKETS,
    registry=REGISTRY,
)
STORE_SECONDS = Histogram(
    "apoyo_store_seconds",
    "Time of one object-store call, by operation and outcome",
    ["service", "operation", "outcome"],
    buckets=CALL_BUCKETS,
    registry=REGISTRY,
)
SUPPORT_AGE = Histogram(
    "apoyo_support_age_seconds",
    "Time from a support's reception (received_at) to a stage publishing its event",
    ["service", "stage"],
    buckets=AGE_BUCKETS,
    registry=REGISTRY,
)
CONSUMER_LAG = Gauge(
    "apoyo_consumer_lag",
    "Messages a consumer group has yet to commit on a partition (read in capture's process)",
    ["group", "topic", "partition"],
    registry=REGISTRY,
)

_process = {"name": "apoyo"}


def name_process(name: str) -> None:
    """The `service` label of what the process does itself (HTTP, database, object store):
    the unit's name, or `all` when one process runs every unit."""
    _process["name"] = name


def process_name() -> str:
    return _process["name"]


def exposition() -> tuple[bytes, str]:
    """The Prometheus text of every metric, and its content type."""
    return generate_latest(REGISTRY), CONTENT_TYPE_LATEST
