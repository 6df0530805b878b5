"""Text a person typed (names, e-mail addresses): any letters, accents and combining marks,
kept exactly as given (NFC or NFD alike), but no control, format or surrogate characters.
A NUL, an escape sequence or a right-to-left override in a name is never a name: it would
reach PostgreSQL, e-mail headers, PDFs and CSV exports, so it is refused at the door."""

import unicodedata
from typing import Annotated

from pydantic import AfterValidator

_INVISIBLE = {"Cc", "Cf", "Cs"}


def visible(value: str) -> str:
    if any(unicodedata.category(c) in _INVISIBLE for c in value):
        raise ValueError("contiene caracteres de control o invisibles")
    return value


PersonText = Annotated[str, AfterValidator(visible)]


def storable(value: str) -> bool:
    """Free text (a note, an argument) may hold new lines and tabs, but no NUL, which
    PostgreSQL's text cannot hold, and no lone surrogate, which UTF-8 cannot encode."""
    return not any(c == "\x00" or unicodedata.category(c) == "Cs" for c in value)


NUL_DETAIL = "el texto contiene un carácter nulo o inválido, que no se admite"
