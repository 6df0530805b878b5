"""Rejudging one citizen's supports (pure): the duplicates rule holds after a new verdict."""

from dataclasses import replace
from datetime import timedelta

from apoyo_common.codes import Status
from apoyo_common.messages import SupportVerified
from apoyo_verification.classify import Verdict
from apoyo_verification.desk.automatic import automatic
from apoyo_verification.desk.referral import Cause
from apoyo_verification.duplicates import finals
from apoyo_verification.outcome import Outcome, first_outcome
from apoyo_verification.rejudging import rejudge
from apoyo_verification.tally import key_of
from tests.factories import NOW
from tests.unit.verification.cases import decoded, person

LATER = NOW + timedelta(hours=1)
PENDING = Verdict(Status.PENDIENTE_REVISION, ("ILEGIBLE",))
VALID = Verdict(Status.EN_LISTA_NOMINAL)


def recorded(*verdicts: Verdict) -> list[Outcome]:
    made = []
    for n, verdict in enumerate(verdicts):
        one = decoded(person(0), support_id=f"s-{n}", received_at=NOW + timedelta(minutes=n))
        made.append(first_outcome(one, verdict, NOW, "cell-1"))
    final = finals(made)
    return [replace(o, published=placed(o, final[o.support_id])) for o in made]


def placed(outcome: Outcome, final: Verdict) -> SupportVerified:
    update = {"status": final.status, "reasons": final.reasons}
    return outcome.published.model_copy(update=update)


def test_a_rejected_first_support_hands_its_place_to_the_next() -> None:
    first, second = recorded(PENDING, PENDING)
    wrong = replace(first, verdict=Verdict(Status.INCONSISTENCIA, ("FOTOCOPIA",)))
    changes = rejudge([first, second], {"s-0": wrong}, LATER, announce={"s-0"})
    statuses = {sid: o.published.status for sid, o in changes.updated.items()}
    assert statuses == {"s-0": Status.INCONSISTENCIA, "s-1": Status.PENDIENTE_REVISION}
    assert [o.support_id for o in changes.events] == ["s-0", "s-1"]
    assert all(o.published.verified_at >= LATER for o in changes.events)
    # One support leaves the desk's count for INCONSISTENCIA, the other takes its place.
    assert changes.moves == {key_of(second): -1, key_of(changes.updated["s-0"]): 1}
    [(referral, _)] = automatic(changes)  # the next one is at the desk now
    assert (referral.support_id, referral.cause) == ("s-1", Cause.PENDIENTE_REVISION)


def test_a_new_cell_alone_is_written_and_moved_but_not_published() -> None:
    [one] = recorded(VALID)
    moved = replace(one, cell="cell-2")
    changes = rejudge([one], {"s-0": moved}, LATER)
    assert changes.events == [] and changes.updated == {"s-0": moved}
    assert changes.moves == {key_of(one): -1, key_of(moved): 1}


def test_nothing_new_changes_nothing_unless_announced() -> None:
    [one] = recorded(VALID)
    quiet = rejudge([one], {"s-0": one}, LATER)
    assert (quiet.updated, quiet.events, quiet.moves) == ({}, [], {})
    loud = rejudge([one], {"s-0": one}, LATER, announce={"s-0"})
    assert [o.published.status for o in loud.events] == [Status.EN_LISTA_NOMINAL]
    assert loud.moves == {}
