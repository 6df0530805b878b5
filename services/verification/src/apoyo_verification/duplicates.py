"""The duplicates rule among one citizen's supports in one process (pure).

Among the standing supports (classify.STANDING) the first presented counts: earliest server
reception, ties broken by the support id so every replica and every replay agrees. Each later
one is a duplicate of the same aspirant as that first one, or of another aspirant (LGIPE
385.2). A rejected support is not standing and never blocks anyone. Supports may arrive out of
reception order; an earlier one arriving late takes the first place, and the outcomes that
changed are revised (published again with their new status).
"""

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime

from apoyo_common.codes import Status
from apoyo_verification.classify import Verdict
from apoyo_verification.outcome import Outcome, revised


def _order(outcome: Outcome) -> tuple[datetime, str]:
    return outcome.received_at, outcome.support_id


def finals(outcomes: Sequence[Outcome]) -> dict[str, Verdict]:
    """The final verdict of each support of one citizen in one process."""
    result = {o.support_id: o.verdict for o in outcomes}
    standing = sorted((o for o in outcomes if o.verdict.standing), key=_order)
    for later in standing[1:]:
        same = later.aspirant_id == standing[0].aspirant_id
        status = Status.DUPLICADO_MISMO_ASPIRANTE if same else Status.DUPLICADO_OTRO_ASPIRANTE
        result[later.support_id] = Verdict(status)
    return result


def settle(
    recorded: Sequence[Outcome], arriving: Outcome, now: datetime
) -> tuple[Outcome, list[Outcome]]:
    """The arriving support's outcome, and the recorded ones whose final verdict changes."""
    final = finals([*recorded, arriving])
    changed = [
        revised(o, final[o.support_id], now) for o in recorded if o.final != final[o.support_id]
    ]
    mine = final[arriving.support_id]
    update = {"status": mine.status, "reasons": mine.reasons}
    return replace(arriving, published=arriving.published.model_copy(update=update)), changed
