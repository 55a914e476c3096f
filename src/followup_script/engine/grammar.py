"""Small pieces of English chosen by code, so no message says "a interview" or ends "S.A..".

Pure and light (no imports beyond the standard library): every layer may use it.
"""

from __future__ import annotations

import re

# Words that start with a vowel letter but a consonant sound, and the reverse.
_CONSONANT_SOUND = re.compile(r"^(?:one\b|once\b|uni(?!n)|use|usu|ut[ei]|eu|ewe|ur[aeiou])", re.IGNORECASE)
_VOWEL_SOUND = re.compile(r"^(?:hour|honest|honou?r|heir)", re.IGNORECASE)
# Letters said as a letter name that starts with a vowel sound: "an SMS", "an MBA", "an X-ray".
_VOWEL_LETTERS = set("AEFHILMNORSX")


def a_or_an(word: str) -> str:
    """``"a"`` or ``"an"`` for the word that follows: ``a_or_an("interview") == "an"``,
    ``a_or_an("email") == "an"``, ``a_or_an("user") == "a"``, ``a_or_an("SMS") == "an"``."""
    text = str(word).strip().lstrip("\"'“‘(")
    if not text:
        return "a"
    head = text.split()[0]
    letters = re.sub(r"[^A-Za-z0-9]", "", head)
    if letters and len(letters) > 1 and letters.isupper() and letters.isalpha():
        return "an" if letters[0] in _VOWEL_LETTERS else "a"  # an acronym, said letter by letter
    if len(letters) == 1 and letters.isalpha():
        return "an" if letters.upper() in _VOWEL_LETTERS else "a"
    if head[:1].isdigit():
        return "an" if re.match(r"^(?:8|11|18)(?!\d)|^8\d", head) else "a"
    if _VOWEL_SOUND.match(head):
        return "an"
    if _CONSONANT_SOUND.match(head):
        return "a"
    return "an" if head[:1].lower() in "aeiou" else "a"


def with_article(word: str) -> str:
    """The word with its article: ``"an interview"``, ``"a voicemail"``."""
    return f"{a_or_an(word)} {word}"


_END = re.compile(r"[.!?…]['\"”’)]*$")


def end_sentence(text: str, stop: str = ".") -> str:
    """The text ending in exactly one full stop (or its own ``!``/``?``): ``"Compañía Grande
    S.A."`` stays as it is, ``"Acme"`` becomes ``"Acme."``."""
    body = str(text).rstrip()
    if not body:
        return body
    return body if _END.search(body) else body + stop


def _squeeze(word: str) -> str:
    return re.sub(r"[\s_-]+", "", str(word).strip().lower())


def closest_word(typed: str, choices) -> str | None:
    """The one of ``choices`` that ``typed`` most likely meant (``"no answer"`` and
    ``"noanswer"`` mean ``no-answer``; ``"emial"`` means ``email``), or None."""
    import difflib

    choices = [str(c) for c in choices]
    squeezed = {_squeeze(c): c for c in choices}
    word = _squeeze(typed)
    if word in squeezed:
        return squeezed[word]
    close = difflib.get_close_matches(word, list(squeezed), n=1, cutoff=0.6)
    return squeezed[close[0]] if close else None


def choice_fix(typed: str, choices) -> str:
    """The fix for a word not among ``choices``: ``did you mean no-answer? (one of: ...)``,
    or ``use one of: ...`` when none is close."""
    listed = ", ".join(str(c) for c in choices)
    near = closest_word(typed, choices)
    return f"did you mean {near}? (one of: {listed})" if near else f"use one of: {listed}"
