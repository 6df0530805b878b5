import unicodedata

import pytest

from apoyo_common.text import storable, visible


@pytest.mark.parametrize(
    "name",
    [
        "MUÑOZ",
        unicodedata.normalize("NFD", "MUÑOZ PÉREZ"),
        "ZA\u0308\u0301LGO",
        "O'BRIEN; DROP TABLE x;--",
        "<script>alert(1)</script>",
    ],
)
def test_letters_marks_and_punctuation_are_kept_as_given(name: str) -> None:
    assert visible(name) is name


@pytest.mark.parametrize(
    "name", ["ANA\x00", "RUIZ\x1b[2J", "ANA\u202eZIUR", "A\u200bNA", "A\ud800"]
)
def test_control_format_and_surrogate_characters_are_refused(name: str) -> None:
    with pytest.raises(ValueError, match="control"):
        visible(name)


def test_free_text_keeps_new_lines_but_not_nul_or_surrogates() -> None:
    assert storable("Revisé la firma.\n\tCoincide. ÑÓ")
    assert not storable("visto\x00")
    assert not storable("visto\ud800")
