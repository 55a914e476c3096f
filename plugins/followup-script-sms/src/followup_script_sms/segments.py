"""Exact SMS segment counting (GSM-7 and UCS-2) and plain punctuation.

A segment carries 140 octets. A message written only with the GSM 03.38
characters is sent as GSM-7: 160 septets in a single segment, 153 per segment
once it is split (the rest of each segment holds the concatenation header).
The extension characters ``^ { } \\ [ ~ ] | €`` and form feed are sent as an
escape plus a character, so they cost two septets. A single character outside
both tables turns the whole message into UCS-2: 70 UTF-16 code units in one
segment, 67 per segment when split; characters outside the Basic Multilingual
Plane (most emoji) take two code units.

Phones never split an escape pair or a surrogate pair across two segments, so
segments are counted by filling them one character at a time, not by dividing.

>>> count_segments("Hi Dana, thanks for your time.")
Segments(encoding='GSM-7', units=30, segments=1)
>>> count_segments("Thanks \u2014 Ana").encoding
'UCS-2'
>>> plain_punctuation("Thanks \u2014 it\u2019s great\u2026")
"Thanks - it's great..."
"""

from __future__ import annotations

from typing import NamedTuple

GSM7 = "GSM-7"
UCS2 = "UCS-2"

# GSM 03.38 default alphabet, in table order (0x1B, the escape, is left out).
GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅå"
    "Δ_ΦΓΛΩΠΨΣΘΞÆæßÉ"
    " !\"#¤%&'()*+,-./"
    "0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNO"
    "PQRSTUVWXYZÄÖÑÜ§"
    "¿abcdefghijklmno"
    "pqrstuvwxyzäöñüà"
)
# Sent as ESC + character: two septets each.
GSM7_EXTENSION = frozenset("\f^{}\\[~]|€")

SINGLE = {GSM7: 160, UCS2: 70}
CONCATENATED = {GSM7: 153, UCS2: 67}

# Smart punctuation and invisible spacing that would force UCS-2, and their
# plain GSM-7 equivalents.
PLAIN = {
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
    "\u2039": "'", "\u203a": "'", "\u0060": "'", "\u00b4": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"',
    "\u00ab": '"', "\u00bb": '"',
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-",
    "\u2015": "-", "\u2212": "-", "\u2043": "-",
    "\u2026": "...",
    "\u2022": "-", "\u00b7": "-",
    "\u00a0": " ", "\u2002": " ", "\u2003": " ", "\u2004": " ", "\u2005": " ",
    "\u2006": " ", "\u2007": " ", "\u2008": " ", "\u2009": " ", "\u200a": " ",
    "\u202f": " ", "\u205f": " ", "\u3000": " ", "\t": " ",
    "\u200b": "", "\u200c": "", "\u200d": "", "\u2060": "", "\ufeff": "", "\u00ad": "",
}
_PLAIN_TABLE = str.maketrans(PLAIN)


class Segments(NamedTuple):
    """How a text travels as SMS: its encoding, its size in units, its segments."""

    encoding: str  # "GSM-7" or "UCS-2"
    units: int  # septets (GSM-7) or UTF-16 code units (UCS-2)
    segments: int


def plain_punctuation(text: str) -> str:
    """Replace smart quotes, dashes, ellipses and special spaces with plain ASCII."""
    return text.translate(_PLAIN_TABLE)


def is_gsm7(text: str) -> bool:
    """True when every character is in the GSM-7 basic or extension table."""
    return all(ch in GSM7_BASIC or ch in GSM7_EXTENSION for ch in text)


def non_gsm7(text: str) -> list[str]:
    """The distinct characters that force UCS-2, in order of appearance."""
    seen: list[str] = []
    for ch in text:
        if ch not in GSM7_BASIC and ch not in GSM7_EXTENSION and ch not in seen:
            seen.append(ch)
    return seen


def _unit_costs(text: str) -> tuple[str, list[int]]:
    if is_gsm7(text):
        return GSM7, [2 if ch in GSM7_EXTENSION else 1 for ch in text]
    return UCS2, [2 if ord(ch) > 0xFFFF else 1 for ch in text]


def count_segments(text: str) -> Segments:
    """Encoding, units and the exact number of segments ``text`` is sent in."""
    encoding, costs = _unit_costs(text)
    units = sum(costs)
    if units <= SINGLE[encoding]:
        return Segments(encoding, units, 1 if units else 0)
    size = CONCATENATED[encoding]
    segments, used = 1, 0
    for cost in costs:  # a two-unit character never straddles two segments
        if used + cost > size:
            segments += 1
            used = 0
        used += cost
    return Segments(encoding, units, segments)


# Where a value shown in a text came from, in the words the warning uses.
_VALUE_NAMES = {"name": "name", "first_name": "name", "company": "company", "role": "role",
                "topic": "topic", "update": "update"}


def culprit(text: str, values: dict[str, dict]) -> str:
    """Why ``text`` is long, naming what caused it: the characters that force UCS-2 and
    the value they came from (``'í' in the contact's name 'María José López'``), or,
    in GSM-7, the longest supplied value in the text.

    ``values`` maps whose values they are (``"contact"``, ``"your"``) to their fields.
    """
    size = count_segments(text)
    if size.encoding == UCS2:
        odd = non_gsm7(text)
        named = []
        for ch in odd[:3]:
            where = next((f"{owner} {_VALUE_NAMES.get(key, key)} {value!r}"
                          for owner, fields in values.items()
                          for key, value in fields.items()
                          if isinstance(value, str) and ch in value), None)
            named.append(f"{ch!r} in {where}" if where else f"{ch!r} in the template's wording")
        return (f"{size.units} UCS-2 units because of {', '.join(named)}; one segment holds 70 "
                "(160 without those characters)")
    longest = max(((f"{owner} {_VALUE_NAMES.get(key, key)} {value!r}", len(value))
                   for owner, fields in values.items() for key, value in fields.items()
                   if key in _VALUE_NAMES and isinstance(value, str) and value and value in text),
                  key=lambda item: item[1], default=None)
    why = f"{size.units} GSM-7 septets; one segment holds 160"
    return why + (f"; the longest value is {longest[0]}" if longest else "")
