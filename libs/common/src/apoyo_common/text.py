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
