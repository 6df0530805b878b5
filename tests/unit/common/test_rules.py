"""The credential rules shared through libs/common agree with identity's own copies."""

from apoyo.synthetic.people import make_citizens
from apoyo_common.rules import clave, curp
from apoyo_identity.rules import clave as identity_clave
from apoyo_identity.rules import curp as identity_curp


def test_the_documented_curp() -> None:
    assert curp.check_digit("SABC560626MDFLRN0") == "1" and curp.is_valid("SABC560626MDFLRN01")
    assert curp.problems("SABC560626MDFLRN02") == ["check_digit"]


def test_the_copies_agree_with_identity() -> None:
    for person in make_citizens(300, seed=5):
        for changed in (person.curp, person.curp[:17] + "0", person.curp.replace("S", "Ñ", 1)):
            assert curp.problems(changed) == identity_curp.problems(changed)
        assert clave.is_valid_format(person.clave_elector)
        assert identity_clave.is_valid_format(person.clave_elector)
