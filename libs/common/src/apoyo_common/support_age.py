"""End-to-end latency: how long after its reception a support's event leaves each stage.

Observed where every event is handed to Kafka (`BrokerPublisher`), so the pipeline's five
stages are measured the same way whether the event comes from a handler or an outbox relay.
A redelivered event published again is observed again, with its larger age: rare, and it is
what a citizen waits.
"""

import json
from datetime import datetime

from apoyo_common import metrics
from apoyo_common.topics import (
    IDENTITY_DECODED,
    SUPPORT_CAPTURED,
    SUPPORT_EXPORTED,
    SUPPORT_NOTIFIED,
    SUPPORT_VERIFIED,
)

STAGES = (SUPPORT_CAPTURED, IDENTITY_DECODED, SUPPORT_VERIFIED, SUPPORT_NOTIFIED, SUPPORT_EXPORTED)


def observe_age(topic: str, payload: bytes, handed_at: datetime) -> None:
    """The age at `handed_at`, the moment the event was given to the broker (taken before the
    publish, observed once it succeeded: the in-memory broker runs the next stages inside the
    publish). `topic` unqualified; other topics, or no reception time, are skipped."""
    if topic not in STAGES:
        return
    try:
        received = datetime.fromisoformat(json.loads(payload)["received_at"])
    except (ValueError, KeyError, TypeError):
        return
    age = (handed_at - received).total_seconds()
    metrics.SUPPORT_AGE.labels(metrics.process_name(), topic).observe(max(0.0, age))
