"""The review desk (mesa de control): referrals, the reviewers' queue, their decisions, and INE's
sampling rule. Every decision is recorded with the outcome it revises, in one transaction."""

import secrets
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime

from apoyo_common.codes import Status
from apoyo_verification.book import HeldCitizens, SupportBook, persons_of
from apoyo_verification.classify import Verdict
from apoyo_verification.desk.decision import Decision, InvalidDecision, Ruling
from apoyo_verification.desk.ports import (
    DeskStore,
    EmptySample,
    Item,
    Proposal,
    QueueQuery,
    Sample,
    SampleExists,
)
from apoyo_verification.desk.referral import Cause, Referral
from apoyo_verification.desk.sampling import complete, draw, needs_full_review
from apoyo_verification.outcome import Outcome
from apoyo_verification.rejudging import rejudge_people
from apoyo_verification.service import Verifier

# A new verdict, with the cell, cut and person of the judgement that made it (if one did).
NewVerdict = tuple[Verdict, str | None, date | None, str | None]


class NotOnDesk(LookupError):
    """The support was never referred to the desk (or is not known at all)."""


class AlreadyDecided(Exception):
    """Every referral of the support has been decided: a second decision would be a conflict."""


class Proposed(Exception):
    """The rejection was kept as a proposal: it counts once a second reviewer confirms it."""


class SameReviewer(Exception):
    """The reviewer who proposed a rejection cannot be the one who confirms it."""


@dataclass(frozen=True)
class Ask:
    """A reviewer's decision as asked for, before the desk checks it."""

    ruling: Ruling
    reason: str | None
    note: str
    actor: str


@dataclass(frozen=True)
class ReviewDesk:
    store: DeskStore
    book: SupportBook
    verifier: Verifier
    clock: Callable[[], datetime]
    # A rejection counts only once a second, different reviewer confirms it (settings:
    # review_second_reviewer); the first one is kept as a Proposal meanwhile.
    second_reviewer: bool = False

    async def refer(self, referral: Referral) -> bool:
        return await self.store.refer(referral, self.clock())

    async def queue(self, query: QueueQuery) -> list[Item]:
        return await self.store.queue(query)

    async def item(self, support_id: str) -> Item | None:
        return await self.store.item(support_id)

    async def decide(self, support_id: str, ask: Ask) -> Outcome:
        """`rule` where a decision is expected to count at once (raises Proposed if it was only
        a first rejection waiting for a second reviewer)."""
        done = await self.rule(support_id, ask)
        if isinstance(done, Proposal):
            raise Proposed(support_id)
        return done

    async def rule(self, support_id: str, ask: Ask) -> Outcome | Proposal:
        """Record the decision, revise the support (and its citizen's others if the duplicates
        rule says so), publish it again; raises NotOnDesk, AlreadyDecided, SameReviewer or
        InvalidDecision. A first rejection when two reviewers are required is only proposed:
        the Proposal is returned and the support is unchanged."""
        item = await self.store.item(support_id)
        if item is None or not item.referrals:
            raise NotOnDesk(support_id)
        verdict, cell, cut, person = await self._verdict(support_id, ask)
        # The person it was recorded under, and the one a new judgement's record says.
        key = (await persons_of(self.book, [support_id]))[support_id]
        keys = {key, (key[0], person)} if person else {key}
        async with self.book.citizens(keys) as held:
            causes = tuple(r.cause for r in await held.referrals(support_id) if not r.decided)
            if not causes:
                raise AlreadyDecided(support_id)
            proposal = await held.proposal(support_id)
            now = self.clock()
            if self._needs_second(ask, proposal):
                first = Proposal(support_id, ask.reason or "", ask.note, ask.actor, now)
                await held.propose(first)
                return first
            everyone = [o for outcomes in (await held.outcomes()).values() for o in outcomes]
            mine = next(o for o in everyone if o.support_id == support_id)
            new = replace(
                mine,
                verdict=verdict,
                cell=cell or mine.cell,
                cut=cut or mine.cut,
                person=person or mine.person,
            )
            changes = rejudge_people(everyone, {support_id: new}, now, announce={support_id})
            by = proposal.actor if proposal else None
            changes.decisions.append(Decision(support_id, *_why(ask), now, causes, by))
            await held.write(changes)
            if Cause.MUESTRA in causes:
                await self._settle_sample(held, mine, ask.actor, now)
        return changes.updated[support_id]

    def _needs_second(self, ask: Ask, proposal: Proposal | None) -> bool:
        """True when this rejection is the first of two; SameReviewer if it would confirm
        its own reviewer's proposal."""
        if not self.second_reviewer or ask.ruling is not Ruling.INCONSISTENCIA:
            return False
        if proposal is not None and proposal.actor == ask.actor:
            raise SameReviewer(ask.actor)
        return proposal is None

    async def _verdict(self, support_id: str, ask: Ask) -> NewVerdict:
        """The support's new verdict, with the cell, cut and person of a new judgement if one
        was made."""
        if ask.ruling is Ruling.INCONSISTENCIA:
            return Verdict(Status.INCONSISTENCIA, (ask.reason or "",)), None, None, None
        decoded = (await self.store.inputs([support_id])).get(support_id)
        if decoded is None:
            raise InvalidDecision("este apoyo se registró sin sus datos de origen: no se revisa")
        [judged] = await self.verifier.judge([decoded], reviewed={support_id})
        if judged.verdict.status is Status.PENDIENTE_REVISION:
            raise InvalidDecision(
                "no hay clave ni datos legibles para buscar en la lista nominal: "
                "solo puede decidirse INCONSISTENCIA"
            )
        return judged.verdict, judged.cell, judged.cut, judged.person

    async def _settle_sample(
        self, held: HeldCitizens, decided: Outcome, actor: str, now: datetime
    ) -> None:
        out = decided.published
        sample = await held.sample_for_update(out.process_id, out.aspirant_id)
        if sample is not None and sample.escalated is None and complete(sample):
            await held.finish_sample(sample, needs_full_review(sample), actor, now)

    async def draw_sample(
        self, process_id: str, aspirant_id: str, size: int, seed: int | None, actor: str
    ) -> Sample:
        """Refer a random sample of the aspirant's counted supports (cause MUESTRA)."""
        if await self.store.sample(process_id, aspirant_id) is not None:
            raise SampleExists(aspirant_id)
        seed = secrets.randbits(53) if seed is None else seed
        chosen = draw(await self.store.counted(process_id, aspirant_id), size, seed)
        if not chosen:
            raise EmptySample(aspirant_id)
        sample = Sample(process_id, aspirant_id, size, seed, len(chosen))
        async with self.book.citizens([]) as held:
            await held.draw(sample, chosen, actor, self.clock())
        return sample


def _why(ask: Ask) -> tuple[Ruling, str | None, str, str]:
    return ask.ruling, ask.reason, ask.note, ask.actor
