"""Names made into file names that keep their letters: ``Zoë Müller`` -> ``zoe-muller``.

Accents go by Unicode decomposition (NFKD, then the combining marks dropped);
the letters that do not decompose (``ß``, ``ø``, ``æ``, ``ł``, ``đ``, ``þ``...)
by a small table. Anything else that is not a letter or digit of ASCII
becomes a hyphen, so the name is safe on every file system. A name with no
Latin letter at all (Cyrillic, Greek, CJK...) keeps its own letters and digits
rather than becoming a bare ``contact``: never a dot, slash, space or control
character. No GPL table (such as Unidecode's) is needed for the names people type.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["Unique", "slug"]

#: Letters NFKD leaves alone, with how they are written in plain Latin letters.
LETTERS = {
    "ß": "ss", "ẞ": "SS", "ø": "o", "Ø": "O", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE",
    "ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "ð": "d", "Ð": "D", "þ": "th", "Þ": "TH",
    "ı": "i", "ħ": "h", "Ħ": "H", "ŋ": "ng", "Ŋ": "NG", "ĸ": "k", "ŀ": "l", "Ŀ": "L",
    "ſ": "s", "ŧ": "t", "Ŧ": "T", "ƒ": "f", "ʼ": "", "’": "", "'": "",
}
_TABLE = str.maketrans(LETTERS)
_NOT_SAFE = re.compile(r"[^a-z0-9]+")


def slug(text: str | None, fallback: str = "contact", longest: int = 40) -> str:
    """``Zoë Müller`` -> ``zoe-muller``, ``Amélie Côté`` -> ``amelie-cote``, ``Seán
    O'Murphy`` -> ``sean-omurphy``; a name with no Latin letters keeps its own
    (``Дмитрий Иванов`` -> ``дмитрий-иванов``: letters and digits only, never a dot,
    slash or control character); ``fallback`` when nothing is left, at most ``longest``
    characters, cut at a hyphen."""
    plain = unicodedata.normalize("NFKD", (text or "").translate(_TABLE))
    plain = "".join(c for c in plain if not unicodedata.combining(c)).translate(_TABLE)
    words = _NOT_SAFE.sub("-", plain.lower()).strip("-")
    if not words:  # no Latin letters at all: the name's own letters, rather than a bare "contact"
        own = "".join(c if c.isalnum() or unicodedata.category(c) in ("Mn", "Mc") else " "
                      for c in unicodedata.normalize("NFC", (text or "").lower()))
        words = "-".join(own.split()) if any(c.isalnum() for c in own) else ""
    if len(words) > longest:
        words = words[:longest].rsplit("-", 1)[0] if "-" in words[:longest] else words[:longest]
    return words or fallback


class Unique:
    """File names made unique within one run: the first ``zoe-muller`` stays, the next
    is ``zoe-muller-2``. ``taken`` are names already there."""

    def __init__(self, taken=()):
        self.taken = {name.casefold() for name in taken}

    def __call__(self, stem: str, suffix: str) -> str:
        name, number = f"{stem}{suffix}", 1
        while name.casefold() in self.taken:
            number += 1
            name = f"{stem}-{number}{suffix}"
        self.taken.add(name.casefold())
        return name
