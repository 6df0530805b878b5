"""In-memory hearing book over the in-memory support book: the fake of the tests, same
contract as PostgreSQL."""

from collections.abc import Sequence
from dataclasses import dataclass, field

from apoyo_common.codes import EvidenceKind
from apoyo_common.messages import IdentityDecoded
from apoyo_verification.adapters.book_memory import InMemorySupportBook
from apoyo_verification.hearing.domain import HEARD, Contest, Heard, Query
from apoyo_verification.outcome import Outcome


@dataclass
class InMemoryHearingBook:
    book: InMemorySupportBook
    evidence: dict[str, dict[EvidenceKind, str]] = field(default_factory=dict)
    contests: dict[str, Contest] = field(default_factory=dict)

    async def keep(self, supports: Sequence[IdentityDecoded]) -> None:
        for one in supports:
            kept = self.evidence.setdefault(one.support_id, {})
            for fact in one.evidence:
                kept.setdefault(fact.kind, fact.object_key)

    def _heard(self, outcome: Outcome) -> Heard:
        out = outcome.published
        return Heard(
            out.support_id, out.channel.value, out.status, out.reasons, out.received_at,
            out.verified_at, tuple(sorted(self.evidence.get(out.support_id, {}))),
            self.contests.get(out.support_id),
        )  # fmt: skip

    def _matches(self, outcome: Outcome, query: Query) -> bool:
        out = outcome.published
        return (
            (out.process_id, out.aspirant_id) == (query.process_id, query.aspirant_id)
            and out.status in HEARD
            and (query.status is None or out.status is query.status)
            and (query.reason is None or query.reason in out.reasons)
        )

    async def page(self, query: Query) -> list[Heard]:
        found = [self._heard(o) for o in self.book.outcomes.values() if self._matches(o, query)]
        found.sort(key=lambda h: (h.received_at, h.support_id))
        after = query.after
        later = [h for h in found if after is None or (h.received_at, h.support_id) > (
            after.received_at, after.support_id)]  # fmt: skip
        return later[: query.limit]

    async def heard(self, process_id: str, aspirant_id: str, support_id: str) -> Heard | None:
        outcome = self.book.outcomes.get(support_id)
        if outcome is None or not self._matches(outcome, Query(process_id, aspirant_id)):
            return None
        return self._heard(outcome)

    async def object_key(self, support_id: str, kind: EvidenceKind) -> str | None:
        return self.evidence.get(support_id, {}).get(kind)

    async def open_contest(self, contest: Contest) -> bool:
        if contest.support_id in self.contests:
            return False
        self.contests[contest.support_id] = contest
        return True

    async def drop_contest(self, support_id: str) -> None:
        self.contests.pop(support_id, None)
