"""The aggregates rule: a support counts under its published status and its cell; a revision
moves a count; recording a batch moves the aggregates as a recount of its outcomes would."""

import random
from datetime import timedelta

from apoyo_common.codes import Status
from apoyo_verification.classify import Verdict
from apoyo_verification.outcome import Outcome, first_outcome, revised
from apoyo_verification.recording import Recording
from apoyo_verification.tally import add, key_of, moves, recount
from tests.factories import NOW
from tests.unit.verification.cases import decoded, person

VALID = Verdict(Status.EN_LISTA_NOMINAL)


def outcome(support_id: str, who: int = 0, minutes: int = 0, aspirant: str = "asp-01") -> Outcome:
    support = decoded(
        person(who),
        support_id=support_id,
        aspirant_id=aspirant,
        received_at=NOW + timedelta(minutes=minutes),
    )
    return first_outcome(support, VALID, NOW, cell=f"26-01-02-001-{who:04d}")


def test_a_revision_moves_one_count_from_one_status_to_another() -> None:
    before = outcome("a")
    after = revised(before, Verdict(Status.DUPLICADO_OTRO_ASPIRANTE), NOW)
    assert key_of(before)[2:] == ("EN_LISTA_NOMINAL", "26-01-02-001-0000")
    assert moves([before], [after]) == {key_of(before): -1, key_of(after): 1}
    assert moves([before], [before]) == {}


def test_moves_add_up_and_zeros_disappear() -> None:
    total = {("p", "a", "X", ""): 2}
    add(total, {("p", "a", "X", ""): -2, ("p", "a", "Y", ""): 1})
    assert total == {("p", "a", "Y", ""): 1}


def test_a_recorded_batch_moves_the_aggregates_as_a_recount_would() -> None:
    rng = random.Random(5)
    arrivals = [
        outcome(f"s-{i}", rng.randint(0, 3), rng.randint(0, 9), rng.choice(["asp-01", "asp-02"]))
        for i in range(40)
    ]
    arrivals += rng.sample(arrivals, 10)  # redeliveries, some in the same batch
    recording = Recording({}, {})
    for one in arrivals:
        recording.arrive(one, NOW)
    changes = recording.changes
    final = {**changes.updated, **changes.inserted}
    assert changes.moves == recount(final.values())
    assert changes.redelivered == 10
    statuses = {o.published.status for o in final.values()}
    assert Status.DUPLICADO_MISMO_ASPIRANTE in statuses
    assert Status.DUPLICADO_OTRO_ASPIRANTE in statuses
    assert sum(o.final.standing for o in final.values()) == 4  # one per citizen
