"""The desk in memory: the fake of unit tests, same contract as adapters/desk_postgres.py.

Referrals and decisions a book write carries are applied when the book's block commits; a
sample's draw and its end are applied at once (the fake has no rollback for them).
"""

import dataclasses
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Protocol

from apoyo_common.codes import Status
from apoyo_common.messages import IdentityDecoded
from apoyo_verification.desk.automatic import automatic
from apoyo_verification.desk.decision import Decision
from apoyo_verification.desk.ports import (
    Audited,
    Item,
    Proposal,
    QueueQuery,
    Referred,
    Sample,
    SampleExists,
    pointers,
)
from apoyo_verification.desk.referral import Cause, NotRecorded, Referral
from apoyo_verification.outcome import Outcome
from apoyo_verification.recording import Changes


@dataclass
class _Referral:
    referral: Referral
    process_id: str
    aspirant_id: str
    referred_at: datetime
    decision: Decision | None = None

    def shown(self) -> Referred:
        r = self.referral
        return Referred(r.cause, r.actor, r.note, self.referred_at, self.decision is not None)


@dataclass
class DeskState:
    referrals: dict[tuple[str, Cause], _Referral] = field(default_factory=dict)
    decisions: list[Decision] = field(default_factory=list)
    samples: dict[tuple[str, str], Sample] = field(default_factory=dict)
    proposals: dict[str, Proposal] = field(default_factory=dict)  # the open ones

    def refer(self, referral: Referral, outcome: Outcome, now: datetime) -> bool:
        key = (referral.support_id, referral.cause)
        if key in self.referrals:
            return False
        process_id = outcome.published.process_id
        self.referrals[key] = _Referral(referral, process_id, outcome.aspirant_id, now)
        return True

    def commit(self, changes: Changes, outcomes: dict[str, Outcome]) -> None:
        for referral, at in automatic(changes):
            self.refer(referral, outcomes[referral.support_id], at)
        for decision in changes.decisions:
            self.decisions.append(decision)
            self.proposals.pop(decision.support_id, None)
            for cause in decision.causes:
                row = self.referrals.get((decision.support_id, cause))
                if row is not None and row.decision is None:
                    row.decision = decision

    def of(self, support_id: str) -> list[_Referral]:
        rows = [r for (sid, _), r in self.referrals.items() if sid == support_id]
        return sorted(rows, key=lambda r: (r.referred_at, r.referral.cause))

    def counted(self, sample: Sample, pending: Iterable[Decision]) -> Sample:
        sampled = {
            sid
            for (sid, cause), r in self.referrals.items()
            if cause is Cause.MUESTRA and (r.process_id, r.aspirant_id) == _key(sample)
        }
        latest = {d.support_id: d for d in (*self.decisions, *pending) if Cause.MUESTRA in d.causes}
        mine = [d for sid, d in latest.items() if sid in sampled]
        problems = sum(d.problem for d in mine)
        return dataclasses.replace(sample, decided=len(mine), problems=problems)


def _key(sample: Sample) -> tuple[str, str]:
    return sample.process_id, sample.aspirant_id


class InMemoryHeldDesk:
    """The desk's part of the fake book's transaction (see book_memory._Held)."""

    desk: DeskState
    known: dict[str, Outcome]
    pending: Changes | None

    async def referrals(self, support_id: str) -> list[Referred]:
        return [r.shown() for r in self.desk.of(support_id)]

    async def proposal(self, support_id: str) -> Proposal | None:
        return self.desk.proposals.get(support_id)

    async def propose(self, proposal: Proposal) -> None:
        self.desk.proposals[proposal.support_id] = proposal

    async def draw(self, sample: Sample, chosen: Sequence[str], actor: str, now: datetime) -> int:
        if _key(sample) in self.desk.samples:
            raise SampleExists(sample.aspirant_id)
        self.desk.samples[_key(sample)] = dataclasses.replace(sample, drawn=len(chosen))
        note = f"muestra aleatoria (semilla {sample.seed})"
        for sid in chosen:
            self.desk.refer(Referral(sid, Cause.MUESTRA, actor, note), self.known[sid], now)
        return len(chosen)

    async def sample_for_update(self, process_id: str, aspirant_id: str) -> Sample | None:
        sample = self.desk.samples.get((process_id, aspirant_id))
        pending = () if self.pending is None else self.pending.decisions
        return None if sample is None else self.desk.counted(sample, pending)

    async def finish_sample(self, sample: Sample, full: bool, actor: str, now: datetime) -> int:
        referred = 0
        if full:
            note = f"la muestra tuvo {sample.problems} de {sample.drawn} con problemas"
            for outcome in list(self.known.values()):
                sampled = (outcome.support_id, Cause.MUESTRA) in self.desk.referrals
                if _counted(outcome, sample) and not sampled:
                    why = Referral(outcome.support_id, Cause.ASPIRANTE_COMPLETO, actor, note)
                    referred += self.desk.refer(why, outcome, now)
        self.desk.samples[_key(sample)] = dataclasses.replace(sample, escalated=referred)
        return referred


def _counted(outcome: Outcome, sample: Sample) -> bool:
    out = outcome.published
    mine = (out.process_id, out.aspirant_id) == _key(sample)
    return mine and out.status is Status.EN_LISTA_NOMINAL


def _listed(row: _Referral, q: QueueQuery) -> bool:
    cause, sid = row.referral.cause, row.referral.support_id
    wanted = (q.aspirant_id or row.aspirant_id, q.cause or cause)
    is_open = row.decision is None and row.process_id == q.process_id and sid > q.after
    return is_open and wanted == (row.aspirant_id, cause)


class _Book(Protocol):
    desk: DeskState
    outcomes: dict[str, Outcome]


@dataclass
class InMemoryDeskStore:
    book: _Book

    @property
    def desk(self) -> DeskState:
        return self.book.desk

    @property
    def outcomes(self) -> dict[str, Outcome]:
        return self.book.outcomes

    async def refer(self, referral: Referral, now: datetime) -> bool:
        outcome = self.outcomes.get(referral.support_id)
        if outcome is None:
            raise NotRecorded(referral.support_id)
        return self.desk.refer(referral, outcome, now)

    async def queue(self, query: QueueQuery) -> list[Item]:
        ids = {sid for (sid, _), row in self.desk.referrals.items() if _listed(row, query)}
        return [self._item(sid) for sid in sorted(ids)[: query.limit]]

    async def item(self, support_id: str) -> Item | None:
        return self._item(support_id) if support_id in self.outcomes else None

    def _item(self, support_id: str) -> Item:
        outcome = self.outcomes[support_id]
        source = None if outcome.source is None else outcome.source.model_dump(mode="json")
        return Item(
            outcome.published,
            tuple(r.shown() for r in self.desk.of(support_id)),
            tuple(d for d in self.desk.decisions if d.support_id == support_id),
            pointers(None if source is None else source["evidence"]),
            self.desk.proposals.get(support_id),
        )

    async def inputs(self, support_ids: Sequence[str]) -> dict[str, IdentityDecoded]:
        found = (self.outcomes.get(sid) for sid in support_ids)
        return {o.support_id: o.source for o in found if o is not None and o.source is not None}

    async def sample(self, process_id: str, aspirant_id: str) -> Sample | None:
        sample = self.desk.samples.get((process_id, aspirant_id))
        return None if sample is None else self.desk.counted(sample, ())

    async def counted(self, process_id: str, aspirant_id: str) -> list[str]:
        key = (process_id, aspirant_id)
        return [o.support_id for o in self.outcomes.values() if _counted(o, Sample(*key, 0, 0, 0))]

    async def backlog(self) -> dict[tuple[str, str], int]:
        rows = self.desk.referrals.items()
        on_desk = {(r.process_id, r.aspirant_id, sid) for (sid, _), r in rows if not r.decision}
        return dict(Counter((process_id, aspirant_id) for process_id, aspirant_id, _ in on_desk))

    async def samples(self) -> list[Sample]:
        return [self.desk.counted(s, ()) for s in self.desk.samples.values()]

    async def audit(self, process_id: str, before: int | None, limit: int) -> list[Audited]:
        numbered = [
            Audited(n, self.outcomes[d.support_id].aspirant_id, d)
            for n, d in enumerate(self.desk.decisions, start=1)
            if self.outcomes[d.support_id].published.process_id == process_id
            and (before is None or n < before)
        ]
        return numbered[::-1][:limit]

    async def stale(self, process_id: str, cut: date, after: str, limit: int) -> list[str]:
        found = sorted(
            o.support_id
            for o in self.outcomes.values()
            if o.published.process_id == process_id
            and o.source is not None
            and o.cut != cut
            and o.support_id > after
        )
        return found[:limit]

    async def latest_decisions(self, support_ids: Sequence[str]) -> dict[str, Decision]:
        wanted = set(support_ids)
        return {d.support_id: d for d in self.desk.decisions if d.support_id in wanted}
