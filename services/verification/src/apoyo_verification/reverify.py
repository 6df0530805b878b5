"""Re-verification of a whole process against another loaded cut (`apoyo process reverify`).

The process is switched to the cut first, so supports arriving meanwhile are judged against it.
Then every support still judged against another cut is judged again, in batches, one
transaction a batch under its citizens' locks; only outcomes whose status or reasons change
are published (as revisions). A support's latest desk decision still applies: INCONSISTENCIA
keeps it rejected, VALIDO keeps its evidence rules waived. Each support records the cut it was
judged against, so an interrupted run resumes where it stopped and a second run finds nothing.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Protocol

from apoyo_common.messages import IdentityDecoded
from apoyo_verification.book import UnknownProcess, persons_of
from apoyo_verification.desk.decision import Decision, Ruling
from apoyo_verification.outcome import Outcome
from apoyo_verification.ports import UnknownCut
from apoyo_verification.recording import Changes, CitizenKey
from apoyo_verification.rejudging import rejudge_people
from apoyo_verification.service import Judged, Verifier

MAX_PASSES = 5


class Records(Protocol):
    async def stale(self, process_id: str, cut: date, after: str, limit: int) -> list[str]:
        """Support ids of the process, after `after` in id order, recorded with what identity
        sent and judged against a cut other than `cut`."""
        ...

    async def inputs(self, support_ids: Sequence[str]) -> dict[str, IdentityDecoded]: ...

    async def latest_decisions(self, support_ids: Sequence[str]) -> dict[str, Decision]: ...


@dataclass
class Report:
    judged: int = 0  # supports judged again
    rewritten: int = 0  # rows changed (a new verdict, cell or cut), published or not
    published: int = 0  # revisions published: the status or the reasons changed
    unfinished: bool = False  # supports still judged against another cut: run it again


@dataclass(frozen=True)
class Reverifier:
    verifier: Verifier
    records: Records
    clock: Callable[[], datetime]
    batch: int = 500

    async def run(self, process_id: str, cut: date) -> Report:
        await self.switch(process_id, cut)
        report = Report()
        for _ in range(MAX_PASSES):  # another pass: supports judged against the old cut may
            if not await self._pass(process_id, cut, report):  # have landed meanwhile
                return report
        report.unfinished = True
        return report

    async def switch(self, process_id: str, cut: date) -> None:
        """Raises UnknownProcess, or UnknownCut when the cut is not loaded."""
        processes = self.verifier.processes
        process = await processes.get(process_id)
        if process is None:
            raise UnknownProcess(process_id)
        if cut not in {info.cut for info in await self.verifier.roll.cuts()}:
            raise UnknownCut(cut)
        if process.cut != cut:
            await processes.save(process.model_copy(update={"cut": cut}))

    async def _pass(self, process_id: str, cut: date, report: Report) -> int:
        after, done = "", 0
        while ids := await self.records.stale(process_id, cut, after, self.batch):
            await self._batch(ids, cut, report)
            after, done = ids[-1], done + len(ids)
        return done

    async def _batch(self, ids: list[str], cut: date, report: Report) -> None:
        inputs = await self.records.inputs(ids)
        decisions = await self.records.latest_decisions(ids)
        judged = await self._judge(list(inputs.values()), decisions)
        # The people the supports were recorded under, and those the new cut's records say:
        # a support may move from one to the other (rejudging.rejudge_people).
        before = await persons_of(self.verifier.book, list(inputs))
        after = {
            (s.process_id, j.person)
            for s in inputs.values()
            if isinstance(j := judged[s.support_id], Judged)
        }
        async with self.verifier.book.citizens({*before.values(), *after}) as held:
            if await self.records.latest_decisions(ids) != decisions:
                return  # a reviewer decided meanwhile: the next pass judges these again
            changes = _changes(await held.outcomes(), judged, cut, self.clock())
            await held.write(changes)
        report.judged += len(judged)
        report.rewritten += len(changes.updated)
        report.published += len(changes.events)

    async def _judge(
        self, supports: list[IdentityDecoded], decisions: dict[str, Decision]
    ) -> dict[str, Judged | Decision]:
        rejected = {s: d for s, d in decisions.items() if d.ruling is Ruling.INCONSISTENCIA}
        valid = {s for s, d in decisions.items() if d.ruling is Ruling.VALIDO}
        rest = [s for s in supports if s.support_id not in rejected]
        judged = await self.verifier.judge(rest, reviewed=valid) if rest else []
        found: dict[str, Judged | Decision] = dict(rejected)
        return found | {s.support_id: j for s, j in zip(rest, judged, strict=True)}


def _rejudged(outcome: Outcome, by: Judged | Decision, cut: date) -> Outcome:
    if isinstance(by, Decision):
        rejection = by.rejection()
        assert rejection is not None
        return replace(outcome, verdict=rejection, cut=cut)
    return replace(outcome, verdict=by.verdict, cell=by.cell, cut=by.cut, person=by.person)


def _changes(
    held: dict[CitizenKey, list[Outcome]],
    judged: dict[str, Judged | Decision],
    cut: date,
    now: datetime,
) -> Changes:
    everyone = [o for outcomes in held.values() for o in outcomes]
    mine = {
        o.support_id: _rejudged(o, judged[o.support_id], cut)
        for o in everyone
        if o.support_id in judged
    }
    return rejudge_people(everyone, mine, now)
