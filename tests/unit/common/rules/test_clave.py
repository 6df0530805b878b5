from datetime import timedelta

from hypothesis import given
from hypothesis import strategies as st

from apoyo.synthetic.people import make_citizens
from apoyo_common.rules.clave import is_valid_format, mismatches, name_letters, normalise


def test_letters_follow_the_registry_rule() -> None:
    assert name_letters("LUNA") == "LN"
    assert name_letters("Núñez") == "NX"  # Ñ is written X
    assert name_letters("DE LA CRUZ") == "CR"  # particles dropped
    assert name_letters("OIA") == "OX"  # no internal consonant
    assert name_letters(None) == "XX"
    assert normalise("José María") == "JOSE"


@given(st.integers(0, 10_000))
def test_generated_claves_are_consistent(seed: int) -> None:
    [p] = make_citizens(1, seed=seed)
    assert is_valid_format(p.clave_elector)
    assert (
        mismatches(
            p.clave_elector, p.apellido_paterno, p.apellido_materno, p.nombre, p.fecha_nacimiento
        )
        == []
    )


@given(st.integers(0, 10_000), st.integers(1, 3000))
def test_another_birth_date_is_a_mismatch(seed: int, days: int) -> None:
    [p] = make_citizens(1, seed=seed)
    other = p.fecha_nacimiento + timedelta(days=days)
    assert "fecha_nacimiento" in mismatches(p.clave_elector, None, None, None, other)


def test_format_problems() -> None:
    assert not is_valid_format("GRSOMR80010199H123")  # no state 99
    assert is_valid_format("GRSOMR80010187H123")  # born abroad
    assert mismatches("short", "A", "B", "C", None) == ["format"]
    assert mismatches("LNACNX80010126H123", "LUNA", "ACOSTA", "NOE", None) == []
    assert mismatches("LNACNX80010126H123", "SOTO", "ACOSTA", "NOE", None) == ["apellido_paterno"]
