import pytest

from apoyo_common.codes import Status
from apoyo_verification.classify import Verdict
from apoyo_verification.desk.decision import Decision, InvalidDecision, Ruling, checked
from tests.factories import NOW


def test_a_valid_decision_takes_no_reason() -> None:
    assert checked("VALIDO", None) == (Ruling.VALIDO, None)
    with pytest.raises(InvalidDecision):
        checked("VALIDO", "FOTOCOPIA")


def test_an_inconsistency_needs_a_known_reason() -> None:
    assert checked("INCONSISTENCIA", "FIRMA_NO_VALIDA") == (
        Ruling.INCONSISTENCIA,
        "FIRMA_NO_VALIDA",
    )
    assert checked("INCONSISTENCIA", "SUPLANTACION") == (Ruling.INCONSISTENCIA, "SUPLANTACION")
    for reason in (None, "", "NO_ME_GUSTA", "fotocopia"):
        with pytest.raises(InvalidDecision):
            checked("INCONSISTENCIA", reason)


@pytest.mark.parametrize("ruling", ["valido", "", "EN_LISTA_NOMINAL", "DUDA"])
def test_only_two_rulings(ruling: str) -> None:
    with pytest.raises(InvalidDecision):
        checked(ruling, None)


def test_only_an_inconsistency_is_a_problem_and_decides_the_verdict_alone() -> None:
    wrong = Decision("s", Ruling.INCONSISTENCIA, "SIN_FIRMA", "", "ople:r", NOW)
    fine = Decision("s", Ruling.VALIDO, None, "", "ople:r", NOW)
    assert wrong.problem and not fine.problem
    assert wrong.rejection() == Verdict(Status.INCONSISTENCIA, ("SIN_FIRMA",))
    assert fine.rejection() is None
