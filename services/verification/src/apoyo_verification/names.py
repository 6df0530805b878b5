"""Names compared the way a person at the review desk would compare them (pure).

Upper case, accents dropped, `Ñ` read as `N`, anything but letters a word break. The MRZ
cannot write `Ñ` or accents, and phones type names with or without them: a support must not
be rejected because a keyboard had no `Ñ`. Two names that differ only so are the same name.
"""

import functools
import re
import unicodedata

_NOT_LETTERS = re.compile(r"[^A-Z]+")


@functools.lru_cache(maxsize=65536)  # names repeat: most people share a few thousand
def plain(name: str) -> str:
    bare = unicodedata.normalize("NFD", name.upper())
    letters = "".join(c for c in bare if not unicodedata.combining(c))
    return " ".join(_NOT_LETTERS.split(letters)).strip()


def same(typed: str, recorded: str) -> bool:
    return plain(typed) == plain(recorded)


def same_or_cut(read: str, recorded: str, truncated: bool) -> bool:
    """`read` off an MRZ whose name line may have been cut short at 30 characters."""
    read, recorded = plain(read), plain(recorded)
    return read == recorded or (truncated and recorded.startswith(read))
