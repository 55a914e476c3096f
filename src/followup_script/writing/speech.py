"""How long a script takes to say, and phone numbers read slowly in groups.

Words are timed at 150 a minute; digits slower, at about two a second, whether a
number is written ("+44 20 7946 0958") or said ("four four, two zero, ..."), so
a long international number said twice is timed as it is said (#15). How a
number is said for a contact is :mod:`followup_script.writing.phones`.

Pure and light (no Jinja): channels import it at start-up.
"""

from __future__ import annotations

import re
from functools import lru_cache

from followup_script import _speedups

WORDS_PER_MINUTE = 150
SECONDS_PER_DIGIT = 0.5  # about two digits a second: numbers are said slowly

DIGIT_WORDS = "zero one two three four five six seven eight nine".split()
_DIGIT_WORDS = DIGIT_WORDS
_WORD = re.compile(r"[\w'’-]+")
_DIGIT = "(?:zero|one|two|three|four|five|six|seven|eight|nine|oh)"
# A number said aloud: three or more digit words in a row ("five five five, one two three").
_SAID_NUMBER = re.compile(rf"\b{_DIGIT}\b(?:[\s,.…-]+\b{_DIGIT}\b){{2,}}", re.IGNORECASE)
# A number written in digits, with its usual separators: "+1 555-123-4567", "(11) 98765-4321".
_WRITTEN_NUMBER = re.compile(r"\+?\(?\d[\d\s().-]*\d")


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


def _digits_said(text: str) -> tuple[str, int, int]:
    """``text`` without its numbers, how many digits they have, and how many numbers
    (said with three or more digit words, or written with five or more digits)."""
    digits = numbers = 0

    def said(match: re.Match) -> str:
        nonlocal digits, numbers
        digits += len(re.findall(_DIGIT, match.group(), re.IGNORECASE))
        numbers += 1
        return " "

    def written(match: re.Match) -> str:
        nonlocal digits, numbers
        found = sum(c.isdigit() for c in match.group())
        if found < 5:
            return match.group()
        digits += found
        numbers += 1
        return " "

    rest = _SAID_NUMBER.sub(said, text)
    rest = _WRITTEN_NUMBER.sub(written, rest)
    return rest, digits, numbers


def measure_speech(text: str, phones=()) -> dict:
    """Words and seconds to say ``text`` aloud: words at 150 a minute, the digits of
    every number in it (written or said) at about two a second. ``words`` counts the
    words other than those digits; ``phone_numbers`` the numbers found. (``phones`` is
    no longer needed: numbers are found in the text, in any form.)"""
    rest, digits, numbers = _digits_said(text)
    words = count_words(rest)
    seconds = words * 60 / WORDS_PER_MINUTE + digits * SECONDS_PER_DIGIT
    return {"words": words, "estimated_seconds": round(seconds, 1), "phone_numbers": numbers}
