"""Verifying one support: its process, its record, its category, its place among duplicates."""

from collections.abc import Callable
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

    async def judge(self, decoded: IdentityDecoded) -> Verdict:
        """Raises UnknownProcess, or UnknownCut when the process's cut is not loaded: judging
        without them would reject good supports, so the message is retried, then parked."""
        process = await self.processes.get(decoded.process_id)
        if process is None:
            raise UnknownProcess(decoded.process_id)
        decided = before_lookup(decoded, process)
        if decided is not None:
            return decided
        found = await find_records(self.roll, process.cut, [decoded])
        return classify(Case(decoded, process, found.get(decoded.support_id)))

    async def verify(self, decoded: IdentityDecoded) -> Outcome:
        return await self.record(decoded, await self.judge(decoded))

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
