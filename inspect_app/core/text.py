"""Vietnamese text as users type it: without diacritics, in any case."""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")


def fold(s: str | None) -> str:
    """ "Sở Nội  vụ" -> "so noi vu": NFD, combining marks dropped, đ -> d, lowercase, spaces
    collapsed (and trimmed)."""
    if not s:
        return ""
    s = str(s)
    if s.isascii():
        return _SPACES.sub(" ", s.lower()).strip()
    decomposed = unicodedata.normalize("NFD", s)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    bare = bare.replace("đ", "d").replace("Đ", "D")
    return _SPACES.sub(" ", bare.lower()).strip()
