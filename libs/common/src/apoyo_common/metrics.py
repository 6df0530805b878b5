"""Prometheus metrics shared by every service. Labels never carry personal data."""

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)

REGISTRY = CollectorRegistry(auto_describe=True)

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


def exposition() -> tuple[bytes, str]:
    """The Prometheus text of every metric, and its content type."""
    return generate_latest(REGISTRY), CONTENT_TYPE_LATEST
