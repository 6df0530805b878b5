"""Verifying supports: their process, their records, their categories, their place among
duplicates, and the aggregates that progress reads."""

from collections import Counter
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import NamedTuple

from apoyo_common import metrics
from apoyo_common.logs import get_logger
from apoyo_common.messages import IdentityDecoded
from apoyo_common.topics import SUPPORT_VERIFIED, citizen_key
from apoyo_verification.book import Processes, SupportBook, UnknownProcess
from apoyo_verification.classify import (
    MACHINE,
    REVIEWED,
    Case,
    Rulebook,
    Verdict,
    before_lookup,
    classify,
)
from apoyo_verification.geography import cell_of
from apoyo_verification.lookup import Found, find_records
from apoyo_verification.outcome import Outcome, first_outcome
from apoyo_verification.ports import VoterRoll
from apoyo_verification.recording import Recording

log = get_logger(__name__)
SERVICE = "verification"


class Judged(NamedTuple):
    verdict: Verdict
    cell: str | None  # where the record found lives
    cut: date  # the cut it was judged against
    person: str  # the person key it is settled among (person_key)


def person_key(secret: bytes, decoded: IdentityDecoded, found: Found | None) -> str:
    """The person behind a support is the roll record found: keyed by its identificador the
    way identity keys a card read (topics.citizen_identity), so a support typed with the clave
    alone and one read from the card meet. Without a record, the message's citizen key."""
    if found is None:
        return decoded.citizen_key
    identity = f"id:{found.record.identificador}"
    return citizen_key(secret, decoded.process_id, identity)


@dataclass(frozen=True)
class Verifier:
    roll: VoterRoll
    processes: Processes
    book: SupportBook
    clock: Callable[[], datetime]
    citizen_secret: bytes  # identity's (settings.citizen_key_secret): person_key hashes alike

    async def judge(
        self, supports: Sequence[IdentityDecoded], reviewed: Collection[str] = ()
    ) -> list[Judged]:
        """The verdicts in input order, with one roll query per lookup path and process for
        the whole batch; the supports in `reviewed` (a reviewer vouched for their evidence)
        by the REVIEWED rulebook. Raises UnknownProcess, or UnknownCut when the process's cut
        is not loaded: judging without them would reject good supports, so the message is
        retried, then parked."""
        judged: dict[str, Judged] = {}
        by_process: dict[str, list[IdentityDecoded]] = {}
        for one in supports:
            by_process.setdefault(one.process_id, []).append(one)
        for process_id, group in by_process.items():
            for book, share in ((MACHINE, False), (REVIEWED, True)):
                part = [s for s in group if (s.support_id in reviewed) is share]
                judged |= await self._judge_process(process_id, part, book) if part else {}
        return [judged[one.support_id] for one in supports]

    async def _judge_process(
        self, process_id: str, supports: list[IdentityDecoded], book: Rulebook
    ) -> dict[str, Judged]:
        process = await self.processes.get(process_id)
        if process is None:
            raise UnknownProcess(process_id)
        cut = process.cut
        judged: dict[str, Judged] = {
            s.support_id: Judged(v, None, cut, s.citizen_key)
            for s in supports
            if (v := before_lookup(s, process, book))
        }
        undecided = [s for s in supports if s.support_id not in judged]
        found = await find_records(self.roll, cut, undecided) if undecided else {}
        for one in undecided:
            record = found.get(one.support_id)
            cell = None if record is None else cell_of(record.record)
            verdict = classify(Case(one, process, record), book)
            person = person_key(self.citizen_secret, one, record)
            judged[one.support_id] = Judged(verdict, cell, cut, person)
        return judged

    async def verify(self, decoded: IdentityDecoded) -> Outcome:
        return (await self.verify_many([decoded]))[0]

    async def verify_many(self, supports: Sequence[IdentityDecoded]) -> list[Outcome]:
        """Judged together, recorded together in arrival order in one transaction."""
        return await self.record_many(supports, await self.judge(supports))

    async def record_many(
        self, supports: Sequence[IdentityDecoded], judged: Sequence[Judged]
    ) -> list[Outcome]:
        keys = {(s.process_id, j.person) for s, j in zip(supports, judged, strict=True)}
        async with self.book.citizens(keys) as held:
            recording = Recording(
                await held.recorded([s.support_id for s in supports]), await held.outcomes()
            )
            now = self.clock()
            arrived = [
                recording.arrive(first_outcome(s, j.verdict, now, j.cell, j.cut, j.person), now)
                for s, j in zip(supports, judged, strict=True)
            ]
            await held.write(recording.changes)
        changes = recording.changes
        if changes.redelivered:
            metrics.REDELIVERED.labels(SERVICE, SUPPORT_VERIFIED).inc(changes.redelivered)
        statuses = Counter(o.published.status.value for o in changes.inserted.values())
        log.info(
            "supports_verified",
            supports=len(supports),
            statuses=dict(statuses),
            revised=sorted(changes.updated),
            redelivered=changes.redelivered,
        )
        return arrived
