from apoyo.synthetic.credential import mrz_lines
from apoyo.synthetic.people import make_citizens
from apoyo_common.rules import curp
from apoyo_identity.rules import mrz


def test_citizens_are_consistent_and_reproducible() -> None:
    people = make_citizens(50, seed=3)
    assert people == make_citizens(50, seed=3)
    for person in people:
        assert len(person.clave_elector) == 18 and len(person.curp) == 18
        assert person.curp[-1] == curp.check_digit(person.curp[:17])
        assert person.clave_elector[6:12] == f"{person.fecha_nacimiento:%y%m%d}"
        assert len(person.ocr) == 13 and person.ocr.startswith(person.seccion)
        lines = mrz_lines(person)
        assert [len(line) for line in lines] == [30, 30, 30]
        assert lines[0][5:14] == person.cic and lines[0][14] == mrz.check_digit(person.cic)
