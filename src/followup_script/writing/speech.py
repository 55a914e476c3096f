"""How long a script takes to say, and phone numbers read slowly in groups.

Pure and light (no Jinja): channels import it at start-up.
"""

from __future__ import annotations

import re
from functools import lru_cache

from followup_script import _speedups

WORDS_PER_MINUTE = 150
SECONDS_PER_PHONE_NUMBER = 4.0

_DIGIT_WORDS = "zero one two three four five six seven eight nine".split()
_WORD = re.compile(r"[\w'’-]+")


def phone_groups(phone: str) -> list[str]:
    """``+1 555-123-4567`` -> ``['555', '123', '4567']``: groups to read slowly."""
    digits = re.sub(r"\D", "", phone)
    groups = [g for g in re.split(r"[^\d]+", phone.strip()) if g]
    if len(digits) == 10:
        return [digits[:3], digits[3:6], digits[6:]]
    if len(digits) == 11 and digits[0] == "1":  # North America: the 1 is not said
        return [digits[1:4], digits[4:7], digits[7:]]
    if groups and all(len(g) <= 4 for g in groups):
        return groups
    out, rest = [], digits
    while len(rest) > 4:
        out.append(rest[:3])
        rest = rest[3:]
    return out + [rest]


@lru_cache(maxsize=256)
def speak_phone(phone: str) -> str:
    """Digits as words, in groups: ``five five five, one two three, four five six seven``."""
    return ", ".join(" ".join(_DIGIT_WORDS[int(d)] for d in group) for group in phone_groups(phone))


def phone_forms(*phones: str | None) -> list[str]:
    """Each phone number as a script may have it: as written, and said in words."""
    return [form for phone in phones if phone for form in (phone, speak_phone(phone))]


def count_words(text: str) -> int:
    """How many runs of letters, digits, apostrophes and hyphens ``text`` has."""
    if _speedups.enabled():  # the same count on bytes (docs/performance.md)
        return _speedups.count_words(text)
    return len(_WORD.findall(text))


def measure_speech(text: str, phones=()) -> dict:
    """Words and seconds to say ``text`` aloud at 150 wpm; each phone number ~4 s."""
    remaining, numbers = text, 0
    for phone in sorted({p for p in phones if p}, key=len, reverse=True):
        numbers += remaining.count(phone)
        remaining = remaining.replace(phone, " ")
    words = count_words(remaining)
    seconds = words * 60 / WORDS_PER_MINUTE + numbers * SECONDS_PER_PHONE_NUMBER
    return {"words": words, "estimated_seconds": round(seconds, 1), "phone_numbers": numbers}
