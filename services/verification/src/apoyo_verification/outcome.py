"""A support as verification keeps it: its own verdict, and the outcome last published."""

from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta

from apoyo_common.messages import IdentityDecoded, SupportVerified
from apoyo_verification.classify import Verdict
from apoyo_verification.geography import registry_of

TICK = timedelta(microseconds=1)


@dataclass(frozen=True)
class Outcome:
    verdict: Verdict  # the support's own category, before the duplicates rule
    published: SupportVerified  # what `support.verified` says now, duplicates included
    cell: str | None = None  # where its record lives (geography.cell_of), when one was found
    cut: date | None = field(default=None, compare=False)  # the cut it was judged against
    # The person it is settled among (duplicates.py): the keyed hash of the record found's
    # identificador, else the message's citizen key; fixed when first recorded.
    person: str | None = field(default=None, compare=False)
    # What identity sent (kept for the desk's evidence and for re-verification); set on
    # arrival only, never read back with the outcome.
    source: IdentityDecoded | None = field(default=None, compare=False, repr=False)

    @property
    def support_id(self) -> str:
        return self.published.support_id

    @property
    def aspirant_id(self) -> str:
        return self.published.aspirant_id

    @property
    def received_at(self) -> datetime:
        return self.published.received_at

    @property
    def person_key(self) -> str:
        return self.person or self.published.citizen_key

    @property
    def final(self) -> Verdict:
        return Verdict(self.published.status, self.published.reasons)

    @property
    def event(self) -> SupportVerified:
        """What is stored and published: the outcome with the roll's cell of its record (the
        cell, not `published`, follows re-verification and the desk's decisions)."""
        registry = registry_of(self.cell)
        if self.published.registry == registry:
            return self.published
        return self.published.model_copy(update={"registry": registry})


def first_outcome(
    decoded: IdentityDecoded,
    verdict: Verdict,
    now: datetime,
    cell: str | None = None,
    cut: date | None = None,
    person: str | None = None,
) -> Outcome:
    published = SupportVerified(
        **decoded.envelope(),
        status=verdict.status,
        reasons=verdict.reasons,
        email=decoded.form.email,
        verified_at=now,
    )
    return Outcome(verdict, published, cell, cut, person, decoded)


def revised(outcome: Outcome, final: Verdict, now: datetime) -> Outcome:
    """The same support with a new final verdict, stamped later than the one it replaces, so
    that every consumer ordering by `verified_at` (capture's view) takes it, whatever the clocks."""
    stamp = max(now, outcome.published.verified_at + TICK)
    changes = {"status": final.status, "reasons": final.reasons, "verified_at": stamp}
    return replace(outcome, published=outcome.published.model_copy(update=changes))
