"""How long a script takes to say, and phone numbers read slowly in groups.

Words are timed at 150 a minute; digits slower, at about two a second, whether a
number is written ("+44 20 7946 0958") or said ("plus four four, two zero, ..."),
so a long international number said twice is timed as it is said (#15). The
numbers of the profile and the contact are found in every form a script gives
them (``writing/phones.phone_forms``); any other number written in digits is found too. How
a number is said for a contact is :mod:`followup_script.writing.phones`.

Pure and light (no Jinja): channels import it at start-up.
"""

from __future__ import annotations

import re
from functools import lru_cache

WORDS_PER_MINUTE = 150
SECONDS_PER_DIGIT = 0.5  # about two digits a second: numbers are said slowly

DIGIT_WORDS = "zero one two three four five six seven eight nine".split()
_DIGIT_WORDS = DIGIT_WORDS
_WORD = re.compile(r"[\w'’-]+")  # a word (count_words counts these)
# a character outside ASCII that is not in _WORD's class
_NOT_IN_A_WORD = re.compile(r"[^\x00-\x7f\w’]")
# each ASCII byte that is not in _WORD's class made a space; the others, and 0x80 to 0xff, kept
_RUN_BYTES = bytes(b if chr(b).isalnum() or chr(b) in "_'-" else 0x20 for b in range(128)) + bytes(range(128, 256))
_DIGITS_SAID = frozenset(DIGIT_WORDS) | {"oh"}
# Another number written in digits, with its usual separators ("(11) 98765-4321"); one
# with five digits or more is a number to say slowly, not a word ("9 am" stays words).
_WRITTEN_NUMBER = re.compile(r"\+?\(?\d[\d\s().\-/]*\d")
_NOT_DIGITS = str.maketrans("", "", "".join(chr(c) for c in range(128) if not chr(c).isdigit()))


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


@lru_cache(maxsize=256)
def digits_in(form: str) -> tuple[int, int]:
    """How many digits ``form`` has, written or said, and how many other words: ``+1 555``
    has (4, 0), ``plus one, five five five`` (4, 1), ``... extension two zero four`` counts
    "extension" as a word."""
    said = [w.strip(",.") for w in form.lower().split()]
    digit_words = sum(w in _DIGITS_SAID for w in said)
    other = sum(1 for w in said if w and w not in _DIGITS_SAID and not w[0].isdigit() and w[0] not in "+(")
    return sum(c.isdigit() for c in form) + digit_words, other


def count_words(text: str) -> int:
    r"""How many runs of letters, digits, apostrophes and hyphens ``text`` has: the matches
    of ``[\w'’-]+`` (:data:`_WORD`), counted without making a string of each.

    A character outside ASCII that cannot be in a word becomes a space; then, in UTF-8,
    every ASCII byte that cannot be in a word does too (:data:`_RUN_BYTES`), while the bytes
    of the other characters (all 0x80 and over) stay. The words are then the runs of
    bytes between spaces, which ``bytes.split`` counts in C."""
    if not text.isascii():  # (ASCII text has no such character: nothing to replace)
        text = _NOT_IN_A_WORD.sub(" ", text)
    return len(text.encode("utf-8", "surrogatepass").translate(_RUN_BYTES).split())


def measure_speech(text: str, phones=()) -> dict:
    """Words and seconds to say ``text`` aloud: words at 150 a minute, digits at about
    two a second. ``phones`` are the forms the phone numbers take in it
    (:func:`followup_script.writing.phones.phone_forms`); any other number written with five digits or more is timed as
    digits too. ``words`` counts the words other than the numbers' digits;
    ``phone_numbers`` the numbers found."""
    rest, digits, numbers, said = text, 0, 0, 0
    if type(phones) is not tuple:  # phones.phone_forms gives them ready: longest first, once each
        phones = tuple(sorted({p for p in phones if p}, key=len, reverse=True))
    for form in phones:
        found = rest.count(form)
        if found:
            in_digits, in_words = digits_in(form)
            digits += found * in_digits
            said += found * in_words  # "plus", "extension", "ext"
            numbers += found
            rest = rest.replace(form, " ")
    if len(rest.translate(_NOT_DIGITS)) >= 5:  # maybe another number: look (off the common path)
        def written(match: re.Match) -> str:
            nonlocal digits, numbers
            found = len(match.group().translate(_NOT_DIGITS))
            if found < 5:
                return match.group()
            digits += found
            numbers += 1
            return " "

        rest = _WRITTEN_NUMBER.sub(written, rest)
    words = count_words(rest) + said
    seconds = words * 60 / WORDS_PER_MINUTE + digits * SECONDS_PER_DIGIT
    return {"words": words, "estimated_seconds": round(seconds, 1), "phone_numbers": numbers}
