"""In-memory hearing book over the in-memory support book and its desk: the tests' fake, same
contract as PostgreSQL."""

from dataclasses import dataclass

from apoyo_common.codes import EvidenceKind
from apoyo_common.paging import Cursor
from apoyo_verification.adapters.book_memory import InMemorySupportBook
from apoyo_verification.desk.referral import Cause
from apoyo_verification.hearing.domain import HEARD, Contest, Heard, Query, Ruled
from apoyo_verification.outcome import Outcome


@dataclass
class InMemoryHearingBook:
    book: InMemorySupportBook

    def _contest(self, support_id: str) -> Contest | None:
        row = self.book.desk.referrals.get((support_id, Cause.AUDIENCIA))
        if row is None:
            return None
        d = row.decision
        ruled = None if d is None else Ruled(d.ruling.value, d.reason, d.note, d.decided_at)
        return Contest(row.referral.note, row.referral.actor, row.referred_at, ruled)

    def _heard(self, outcome: Outcome) -> Heard:
        out = outcome.published
        facts = () if outcome.source is None else outcome.source.evidence
        return Heard(
            out.support_id, out.channel.value, out.status, out.reasons, out.received_at,
            out.verified_at, tuple(sorted(f.kind for f in facts)), self._contest(out.support_id),
        )  # fmt: skip

    def _matches(self, outcome: Outcome, query: Query) -> bool:
        out = outcome.published
        return (
            (out.process_id, out.aspirant_id) == (query.process_id, query.aspirant_id)
            and (out.status in HEARD or self._contest(out.support_id) is not None)
            and (query.status is None or out.status is query.status)
            and (query.reason is None or query.reason in out.reasons)
        )

    async def page(self, query: Query) -> list[Heard]:
        found = [self._heard(o) for o in self.book.outcomes.values() if self._matches(o, query)]
        found.sort(key=_order)
        after = query.after
        return [h for h in found if after is None or _order(h) > _order(after)][: query.limit]

    async def heard(self, process_id: str, aspirant_id: str, support_id: str) -> Heard | None:
        outcome = self.book.outcomes.get(support_id)
        if outcome is None or not self._matches(outcome, Query(process_id, aspirant_id)):
            return None
        return self._heard(outcome)

    async def object_key(self, support_id: str, kind: EvidenceKind) -> str | None:
        outcome = self.book.outcomes.get(support_id)
        facts = () if outcome is None or outcome.source is None else outcome.source.evidence
        return next((f.object_key for f in facts if f.kind is kind), None)


def _order(item: Heard | Cursor) -> tuple[object, str]:
    return item.received_at, item.support_id
