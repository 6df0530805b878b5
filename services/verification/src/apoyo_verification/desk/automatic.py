"""Referrals the book writes by itself (pure): every outcome it writes whose published status
is `PENDIENTE_REVISION` is referred, in the transaction that writes it. Referrals are unique
per support and cause, so a redelivery or a later revision never refers a support twice."""

from collections.abc import Iterable
from datetime import datetime

from apoyo_common.codes import Status
from apoyo_verification.desk.referral import Cause, Referral
from apoyo_verification.outcome import Outcome
from apoyo_verification.recording import Changes

SYSTEM = "system"


def automatic(changes: Changes) -> list[tuple[Referral, datetime]]:
    """The referrals, each with its time: the one of the outcome that caused it."""
    written: Iterable[Outcome] = (*changes.updated.values(), *changes.inserted.values())
    return [
        (
            Referral(o.support_id, Cause.PENDIENTE_REVISION, SYSTEM, ", ".join(o.final.reasons)),
            o.published.verified_at,
        )
        for o in written
        if o.final.status is Status.PENDIENTE_REVISION
    ]
