"""The duplicates rule on its own (pure): first presented counts, later ones are duplicates."""

from datetime import timedelta

from apoyo_common.codes import Status
from apoyo_verification.classify import Verdict
from apoyo_verification.duplicates import finals, settle
from apoyo_verification.outcome import Outcome, first_outcome
from tests.factories import NOW
from tests.unit.verification.cases import decoded, person

WHO = person()
VALID = Verdict(Status.EN_LISTA_NOMINAL)


def outcome(
    support_id: str, aspirant: str = "asp-01", minutes: int = 0, verdict: Verdict = VALID
) -> Outcome:
    support = decoded(
        WHO,
        support_id=support_id,
        aspirant_id=aspirant,
        received_at=NOW + timedelta(minutes=minutes),
    )
    return first_outcome(support, verdict, NOW)


def statuses(outcomes: list[Outcome]) -> dict[str, Status]:
    return {k: v.status for k, v in finals(outcomes).items()}


def test_later_supports_are_duplicates_of_the_same_or_another_aspirant() -> None:
    found = statuses(
        [outcome("a", minutes=0), outcome("b", minutes=1), outcome("c", "asp-02", minutes=2)]
    )
    assert found == {
        "a": Status.EN_LISTA_NOMINAL,
        "b": Status.DUPLICADO_MISMO_ASPIRANTE,
        "c": Status.DUPLICADO_OTRO_ASPIRANTE,
    }


def test_ties_in_reception_are_broken_by_support_id() -> None:
    found = statuses([outcome("s-b", "asp-02"), outcome("s-a", "asp-01")])
    assert found == {"s-a": Status.EN_LISTA_NOMINAL, "s-b": Status.DUPLICADO_OTRO_ASPIRANTE}


def test_rejected_supports_block_nobody() -> None:
    rejected = outcome("a", minutes=0, verdict=Verdict(Status.BAJA, ("DEFUNCION",)))
    found = finals([rejected, outcome("b", minutes=1)])
    assert found == {"a": Verdict(Status.BAJA, ("DEFUNCION",)), "b": VALID}


def test_a_support_at_the_desk_holds_its_place() -> None:
    pending = Verdict(Status.PENDIENTE_REVISION, ("ILEGIBLE",))
    found = statuses([outcome("a", verdict=pending), outcome("b", "asp-02", minutes=1)])
    assert found == {"a": Status.PENDIENTE_REVISION, "b": Status.DUPLICADO_OTRO_ASPIRANTE}


def test_an_earlier_support_arriving_late_takes_the_place_and_revises_the_others() -> None:
    later = NOW + timedelta(hours=1)
    first, then = outcome("b", "asp-01", minutes=5), outcome("c", "asp-01", minutes=9)
    then = settle([first], then, NOW)[0]
    arriving, revised = settle([first, then], outcome("a", "asp-02", minutes=1), later)
    assert arriving.published.status is Status.EN_LISTA_NOMINAL
    assert {o.support_id: o.published.status for o in revised} == {
        "b": Status.DUPLICADO_OTRO_ASPIRANTE,
        "c": Status.DUPLICADO_OTRO_ASPIRANTE,  # was a duplicate of the same aspirant
    }
    assert all(o.published.verified_at == later for o in revised)


def test_a_revision_is_stamped_after_the_outcome_it_replaces_whatever_the_clock() -> None:
    ahead = outcome("b", minutes=5)
    _, revised = settle([ahead], outcome("a"), NOW - timedelta(minutes=3))
    assert revised[0].published.verified_at > ahead.published.verified_at


def test_nothing_is_revised_when_nothing_changes() -> None:
    arriving, revised = settle([outcome("a")], outcome("b", minutes=1), NOW)
    assert revised == [] and arriving.published.status is Status.DUPLICADO_MISMO_ASPIRANTE
    assert arriving.verdict == VALID  # its own category is kept for later revisions
