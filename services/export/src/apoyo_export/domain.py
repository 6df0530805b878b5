"""Pure export rules of the foundation: the record a package will hold, and its hash."""

import hashlib
import json
from datetime import datetime
from typing import Any

from apoyo_common.messages import SupportExported, SupportNotified


def record_of(notified: SupportNotified) -> dict[str, Any]:
    return {
        "support_id": notified.support_id,
        "process_id": notified.process_id,
        "aspirant_id": notified.aspirant_id,
        "channel": notified.channel.value,
        "received_at": notified.received_at.isoformat(),
        "status": notified.status.value,
        "reasons": list(notified.reasons),
    }


def canonical_json(value: Any) -> bytes:
    """Sorted keys, no spaces, UTF-8: the form hashed into records and chains."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def stage(notified: SupportNotified, now: datetime) -> SupportExported:
    digest = hashlib.sha256(canonical_json(record_of(notified))).hexdigest()
    return SupportExported(
        **notified.envelope(), status=notified.status, record_sha256=digest, exported_at=now
    )
