"""Recording a batch of verdicts among what is already recorded, in arrival order (pure).

The result is what one transaction of the book writes: the new outcomes, the revised ones, the
events to publish (redeliveries say again what was decided) and the moves of the aggregates.
A support arriving twice in one batch is a redelivery the second time, as it would be in two.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from apoyo_verification.desk.decision import Decision
from apoyo_verification.duplicates import settle
from apoyo_verification.outcome import Outcome
from apoyo_verification.tally import Moves, add, moves

CitizenKey = tuple[str, str]  # process_id, person key (outcome.Outcome.person)


def citizen_of(outcome: Outcome) -> CitizenKey:
    """The person a support is settled among: its roll record's, else its message's key."""
    return outcome.published.process_id, outcome.person_key


@dataclass
class Changes:
    inserted: dict[str, Outcome] = field(default_factory=dict)
    updated: dict[str, Outcome] = field(default_factory=dict)
    events: list[Outcome] = field(default_factory=list)
    moves: Moves = field(default_factory=dict)
    redelivered: int = 0
    decisions: list[Decision] = field(default_factory=list)  # each closes its open referrals


class Recording:
    def __init__(
        self, known: Mapping[str, Outcome], citizens: Mapping[CitizenKey, Sequence[Outcome]]
    ) -> None:
        self.citizens = {key: list(outcomes) for key, outcomes in citizens.items()}
        held = {o.support_id: o for outcomes in citizens.values() for o in outcomes}
        self.known = held | dict(known)
        self.changes = Changes()

    def arrive(self, first: Outcome, now: datetime) -> Outcome:
        """The arriving support's outcome as decided now (later ones may revise it)."""
        changes, known = self.changes, self.known.get(first.support_id)
        if known is not None:  # a redelivery: say again what was decided, decide nothing
            changes.events.append(known)
            changes.redelivered += 1
            return known
        recorded = self.citizens.setdefault(citizen_of(first), [])
        arriving, revisions = settle(recorded, first, now)
        before = [self.known[o.support_id] for o in revisions]
        add(changes.moves, moves(before, [*revisions, arriving]))
        for outcome in revisions:
            target = changes.inserted if outcome.support_id in changes.inserted else changes.updated
            target[outcome.support_id] = outcome
        changes.inserted[arriving.support_id] = arriving
        changes.events += [*revisions, arriving]
        for outcome in (*revisions, arriving):
            self.known[outcome.support_id] = outcome
        by_id = {o.support_id: o for o in (*revisions, arriving)}
        recorded[:] = [by_id.pop(o.support_id, o) for o in recorded] + list(by_id.values())
        return arriving
