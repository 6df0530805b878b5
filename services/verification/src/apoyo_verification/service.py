"""Verifying one support: its process, its record, its category, its place among duplicates."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from apoyo_common import metrics
from apoyo_common.logs import get_logger
from apoyo_common.messages import IdentityDecoded
from apoyo_common.topics import SUPPORT_VERIFIED
from apoyo_verification.book import Processes, SupportBook, UnknownProcess
from apoyo_verification.classify import Case, Verdict, before_lookup, classify
from apoyo_verification.duplicates import settle
from apoyo_verification.lookup import find_records
from apoyo_verification.outcome import Outcome, first_outcome
from apoyo_verification.ports import VoterRoll

log = get_logger(__name__)
SERVICE = "verification"


@dataclass(frozen=True)
class Verifier:
    roll: VoterRoll
    processes: Processes
    book: SupportBook
    clock: Callable[[], datetime]

    async def judge(self, supports: Sequence[IdentityDecoded]) -> list[Verdict]:
        """The verdicts in input order, with one roll query per lookup path and process for
        the whole batch. Raises UnknownProcess, or UnknownCut when the process's cut is not
        loaded: judging without them would reject good supports, so the message is retried,
        then parked."""
        verdicts: dict[str, Verdict] = {}
        by_process: dict[str, list[IdentityDecoded]] = {}
        for one in supports:
            by_process.setdefault(one.process_id, []).append(one)
        for process_id, group in by_process.items():
            verdicts |= await self._judge_process(process_id, group)
        return [verdicts[one.support_id] for one in supports]

    async def _judge_process(
        self, process_id: str, supports: list[IdentityDecoded]
    ) -> dict[str, Verdict]:
        process = await self.processes.get(process_id)
        if process is None:
            raise UnknownProcess(process_id)
        verdicts = {s.support_id: v for s in supports if (v := before_lookup(s, process))}
        undecided = [s for s in supports if s.support_id not in verdicts]
        found = await find_records(self.roll, process.cut, undecided) if undecided else {}
        for one in undecided:
            verdicts[one.support_id] = classify(Case(one, process, found.get(one.support_id)))
        return verdicts

    async def verify(self, decoded: IdentityDecoded) -> Outcome:
        return (await self.verify_many([decoded]))[0]

    async def verify_many(self, supports: Sequence[IdentityDecoded]) -> list[Outcome]:
        """Judged together, recorded one by one in arrival order (each its own transaction)."""
        verdicts = await self.judge(supports)
        return [await self.record(s, v) for s, v in zip(supports, verdicts, strict=True)]

    async def record(self, decoded: IdentityDecoded, verdict: Verdict) -> Outcome:
        async with self.book.citizen(decoded.process_id, decoded.citizen_key) as citizen:
            known = await citizen.recorded(decoded.support_id)
            if known is not None:  # a redelivery: say again what was decided, decide nothing
                await citizen.republish(known)
                metrics.REDELIVERED.labels(SERVICE, SUPPORT_VERIFIED).inc()
                return known
            now = self.clock()
            recorded = await citizen.outcomes()
            arriving, revisions = settle(recorded, first_outcome(decoded, verdict, now), now)
            await citizen.save(arriving, revisions)
        log.info(
            "support_verified",
            support_id=decoded.support_id,
            status=arriving.published.status.value,
            revised=[o.support_id for o in revisions],
        )
        return arriving
