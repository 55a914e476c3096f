"""The courtesy guard every rendered script passes through.

The product's promise: the 16th message is exactly as gracious as the first.
:func:`check` finds what breaks that promise in a rendered message, and
:func:`warmth` measures what keeps it. The guard runs on every message a
channel renders, built-in or plugin, before it is shown or delivered.

Rules (each violation names its rule and the phrase that failed):

- ``blame``: guilt or reproach ("you haven't returned my calls", "ignored").
- ``counting``: telling them how often you tried ("my third message", "yet again").
- ``pressure``: urgency or ultimatums ("ASAP", "final notice", "last chance").
- ``shouting``: words in capitals (four letters or more) or "!!".
- ``courtesy``: no thanks or appreciation anywhere in the message.

Values the user or a contact supplied (a company called "NASA", a role with
"urgent care" in it) are passed as ``data`` and masked, where they stand as
whole words, before checking: the guard judges the words of the template, not
the names it was given (and a contact called Fin cannot hide "Final notice").

Look-alikes do not get past it: the text (and the values) are read as they look
(:func:`normalise`): NFKC (full-width ``ＡＳＡＰ`` is ``ASAP``), without invisible
format characters (a zero-width space in ``A\u200bSAP``, a soft hyphen in
``fin\u00adal notice``), and a word made only of Latin letters and Cyrillic or
Greek letters that look like them (``АSAP`` with a Cyrillic А) read in Latin
letters. A word in Cyrillic or Greek with any letter of its own (``Анна``) and
accented Latin names (``José``, ``Zoë``) are left as they are.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from followup_script import _speedups
from followup_script.errors import ToneError

_ORDINALS = (
    r"first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|eleventh|twelfth|"
    r"\d+(?:st|nd|rd|th)|\d+"
)
_NUMBERS = r"two|three|four|five|six|seven|eight|nine|ten|several|many|multiple|a few|numerous|\d+"
_TOUCHES = r"messages?|calls?|voicemails?|emails?|e-mails?|texts?|notes?|attempts?|tries|times"

RULES: dict[str, list[str]] = {
    "blame": [
        r"\byou (?:still )?(?:haven'?t|have not|hadn'?t|never|didn'?t|did not|don'?t|do not)"
        r" (?:\w+ ){0,2}(?:returned|return|replied|reply|responded|respond|answered|answer"
        r"|got(?:ten)? back|get back|called|call)",
        r"\bignor(?:ed|ing)\b",
        r"\bno one (?:has )?(?:called|replied|responded|answered)",
        r"\bstill (?:waiting|no (?:word|reply|answer|response))",
        r"\bhaven'?t heard (?:anything|a thing|a word)",
        r"\bwhy (?:haven'?t|didn'?t|won'?t) you",
        r"\bdisappoint(?:ed|ing)\b",
        r"\bfrustrat(?:ed|ing)\b",
    ],
    "counting": [
        rf"\bmy (?:{_ORDINALS}) (?:{_TOUCHES}|follow-?up)",
        r"\byet again\b",
        r"\bonce again\b",
        r"\bagain and again\b",
        r"\bone more time\b",
        rf"\b(?:{_NUMBERS}) (?:{_TOUCHES})\b(?! ?(?:a|per) (?:week|day))",
        r"\bkeep (?:calling|trying|writing|emailing)\b",
        r"\bfor the (?:" + _ORDINALS + r") time\b",
        r"\bhow many times\b",
    ],
    "pressure": [
        r"\basap\b",
        r"\bas soon as possible\b",
        r"\bfinal (?:notice|reminder|attempt|chance|message|call|follow-?up)\b",
        r"\blast (?:chance|notice|attempt|reminder)\b",
        r"\burgent(?:ly)?\b",
        r"\bimmediately\b",
        r"\bright away\b",
        r"\bdeadline\b",
        r"\bor else\b",
        r"\bno later than\b",
        r"\bmust (?:reply|respond|call|answer)\b",
    ],
    "shouting": [r"\b[A-Z]{4,}\b", r"!{2,}", r"\?{2,}"],
}

COURTESY = re.compile(
    r"\b(?:thanks?|thank you|thanking|appreciate[ds]?|appreciation|grateful|gratitude"
    r"|kind regards|warm regards|warmly|all the best|best wishes)\b",
    re.IGNORECASE,
)

# compiled on first use (re's own cache): no command that writes a message measures warmth
_WARM = (
    r"\b(?:thanks?|thank you|appreciate[ds]?|grateful|glad|enjoy(?:ed)?|hope|pleasure|kind|"
    r"look(?:ing)? forward|"
    r"warm(?:ly)?|wish|happy|excited|interest(?:ed)?|enthusias\w+|best)\b"
)

# One pass per case rule: every rule's patterns joined into one alternation,
# each rule a named group, so a check is two regex scans whatever the list length.
_WORDS = re.compile(
    "|".join(f"(?P<{rule}>{'|'.join(patterns)})" for rule, patterns in RULES.items() if rule != "shouting"),
    re.IGNORECASE,
)
_SHOUTING = re.compile("|".join(RULES["shouting"]))
# every word the rules spell out: a one-word value among them ("Chance") may be
# the template's own word ("Last Chance") as well as the value
_RULE_WORDS = frozenset(
    word for rule, patterns in RULES.items() if rule != "shouting"
    for pattern in patterns for word in re.findall(r"[a-z]{2,}", pattern)
)

_RULE_HELP = {
    "blame": "no guilt or reproach: assume they are busy, not ignoring you",
    "counting": "never count or mention earlier attempts",
    "pressure": "no urgency, deadlines or ultimatums",
    "shouting": "no words in capitals and no '!!'",
    "courtesy": "every message thanks them or says you appreciate their time",
}


@dataclass(frozen=True)
class Violation:
    rule: str
    phrase: str

    def __str__(self) -> str:
        return f"{self.rule}: {self.phrase!r} ({_RULE_HELP[self.rule]})"


_PLAIN = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"',
                        "\u2013": "-", "\u2014": "-", "\u00a0": " "})


#: Cyrillic and Greek letters that look like Latin ones (the common confusables).
_CONFUSABLES = str.maketrans(dict(zip(
    "АВЕЅІЈКМНОРСТХУЁаеѕіјорсхуѡԁһԛԝЬьӏ" "ΑΒΕΖΗΙΚΜΝΟΡΤΥΧαικνορτυχ",
    "ABESIJKMHOPCTXYEaesijopcxywdhqwbbl" "ABEZHIKMNOPTYXaikvoptux", strict=True)))
_LETTERS = re.compile(r"[^\W\d_]+")
_LOOK_ALIKES = frozenset(map(chr, _CONFUSABLES))


def _in_latin(match: re.Match) -> str:
    word = match.group(0)
    if word.isascii():
        return word
    latin = word.translate(_CONFUSABLES)
    return latin if latin.isascii() else word


def normalise(text: str) -> str:
    """``text`` as it looks: without format characters (category Cf: zero-width spaces
    and joiners, soft hyphens, direction marks), in NFKC (full-width letters, ligatures),
    and each word made only of Latin letters and their Cyrillic or Greek look-alikes in
    Latin letters. ASCII text is returned as it is."""
    if text.isascii():
        return text
    # each distinct character is looked at once (a text has few), not each character
    chars = set(text)
    hidden = {ord(c): None for c in chars if not c.isascii() and unicodedata.category(c) == "Cf"}
    if hidden:
        text = text.translate(hidden)
    if not unicodedata.is_normalized("NFKC", text):
        text = unicodedata.normalize("NFKC", text)
        chars = set(text)
    elif hidden:
        chars = set(text)
    if chars.isdisjoint(_LOOK_ALIKES):  # no look-alike letter at all (a translate: 4x slower)
        return text
    return _LETTERS.sub(_in_latin, text)


_HOLE = "\x00"  # where a value was, until the end of masking
# ... and then a word, so a value still counts as one where a rule allows any
# word: "you haven't {{ name }} replied" is blame whoever the name is
_STAND_IN = "value"
# a hole with a letter (or another hole) on either side; starting with the literal
# keeps the scan fast
_INSIDE_A_WORD = re.compile(r"\x00(?:(?=[\w\x00])|(?<=[\w\x00]\x00))")


def _forms(data) -> set[str]:
    """The values of ``data`` as they look (:func:`normalise`), and those with curly quotes,
    dashes and the like also as channels may tidy them (plain quotes). Each value's forms
    are its own: the forms of two lists together are the forms of each, together."""
    values = {v if type(v) is str and v.isascii() else normalise(str(v)) for v in data if v}  # ASCII: as it is
    # only values with curly quotes, dashes and the like have a plain form
    plain = [v.translate(_PLAIN).replace("\u2026", "...") for v in values if not v.isascii()]
    if plain:
        values.update(plain)
    return values


def _ordered(values: set[str]) -> list[str]:
    """``values`` longest first, then alphabetical (so the result never depends on a set's
    order), without those of one character."""
    ordered = sorted(values)
    ordered.sort(key=len, reverse=True)
    return [v for v in ordered if len(v) > 1]


def _values(data, text: str) -> list[str]:
    """The values to blank, also as channels may tidy them (plain quotes), longest
    first (then alphabetical, so the result never depends on a set's order).
    ``text`` is the text they will be looked for in, before its NULs become spaces."""
    values = _forms(data)
    if _HOLE in text:  # the text's NULs are read as spaces, so the values' are too
        values = {v.replace(_HOLE, " ") for v in values}
    return _ordered(values)


def _risky(values) -> set[str]:
    """The one-word values the rules spell out, in lower case (see :func:`check`)."""
    return {v.lower() for v in values if " " not in v and len(v) > 1 and v.lower() in _RULE_WORDS}


class Known:
    """Values known before the messages are written (a batch's profile: the same for every
    row), with the forms :func:`check` looks for worked out once: ``check(text, data,
    known)`` gives what ``check(text, [*data, *known.values])`` gives."""

    __slots__ = ("values", "forms", "risky")

    def __init__(self, values):
        self.values = list(values)
        self.forms = frozenset(_forms(self.values))
        self.risky = frozenset(_risky(self.forms))


def _blank(text: str, values: list[str]) -> str:
    """``text`` with each value, where it stands as whole words, turned into a hole.

    Blanking everywhere and then looking for a hole that touches a letter is
    fast; only then are the values blanked one occurrence at a time.
    """
    masked = text
    for value in values:
        masked = masked.replace(value, _HOLE)
    if _INSIDE_A_WORD.search(masked):
        masked = text
        for value in values:
            masked = _mask_words(masked, value)
    return masked


def _masked(text: str, values: list[str]) -> str:
    """``text`` (its NULs already spaces) with the values blanked and read as a word."""
    return _blank(text, values).replace(_HOLE, _STAND_IN)


def _mask(text: str, data) -> str:
    """Blank out supplied values where they stand as whole words: a contact
    called Fin must not turn "Final notice" into "al notice"."""
    return _masked(text.replace(_HOLE, " "), _values(data, text))


def _mask_words(text: str, value: str) -> str:
    """``value`` blanked where it stands as a whole word (or words) in ``text``."""
    out, done, at = [], 0, text.find(value)
    while at >= 0:
        end = at + len(value)
        if _edge(text, at - 1, value[0]) and _edge(text, end, value[-1]):
            out += [text[done:at], _HOLE]
            done = end
            at = text.find(value, end)
        else:
            at = text.find(value, at + 1)
    return "".join(out) + text[done:] if out else text


def _edge(text: str, index: int, inner: str) -> bool:
    """True if no word continues across this end of a value (at ``text[index]``).

    Only letters and digits continue a word: ``_Acme URGENT Care_`` (Markdown
    emphasis) still has the value inside it.
    """
    return index < 0 or index >= len(text) or not inner.isalnum() or not text[index].isalnum()


def check(text: str, data=(), known: Known | None = None) -> list[Violation]:
    """Every courtesy violation in ``text``; an empty list means it passes.

    Values are blanked before the rules run, so the verdict is the template's
    and is the same (and cached) for every contact. A one-word value that the
    rules spell out could also be the template's own word: "Last Chance" for a
    contact called Chance. If the message passes, it is checked once more with
    such values left in, and a phrase they are part of counts (the value alone,
    a contact called Urgent, does not). ``known``: more values (:class:`Known`),
    whose forms were worked out before.
    """
    text = normalise(text)
    if known is not None and _HOLE not in text:
        forms = _forms(data)
        risky = _risky(forms)
        forms.update(known.forms)
        values = _ordered(forms)
        risky.update(known.risky)
    else:
        if known is not None:
            data = [*data, *known.values]
        values, risky = _values(data, text), None
        text = text.replace(_HOLE, " ")
    found = list(_check_masked(_masked(text, values)))
    if found:
        return found
    if risky is None:
        risky = _risky(values)
    if not risky:
        return found
    kept = _masked(text, [v for v in values if v.lower() not in risky])
    return [v for v in _check_masked(kept) if v.rule != "courtesy" and v.phrase.lower() not in risky]


def _check_masked(text: str) -> tuple[Violation, ...]:
    """The verdict on a masked text. A speed trick (docs/performance.md; off with
    ``FOLLOWUP_SCRIPT_NO_SPEEDUPS=1``) remembers it: it depends on the masked text
    alone, which is the same for every contact a template renders for (names,
    roles and companies are masked), so a batch checks each template once."""
    return _remembered_verdict(text) if _speedups.enabled() else _verdict(text)


def _verdict(text: str) -> tuple[Violation, ...]:
    found = [Violation(m.lastgroup or "", m.group(0)) for m in _WORDS.finditer(text)]
    found += [Violation("shouting", m.group(0)) for m in _SHOUTING.finditer(text)]
    if not COURTESY.search(text):
        found.append(Violation("courtesy", "no thanks or appreciation"))
    return tuple(found)


_remembered_verdict = lru_cache(maxsize=4096)(_verdict)


def enforce(text: str, where: str, data=(), fix: str = "reword the template", known: Known | None = None) -> None:
    """Raise :class:`ToneError` naming the first violation in ``text`` and ``fix``."""
    refuse(check(text, data, known), where, fix)


def refuse(problems: list[Violation], where: str, fix: str = "reword the template") -> None:
    """Raise :class:`ToneError` naming the first of ``problems`` (found in ``where``) and ``fix``,
    if there are any."""
    if problems:
        first = problems[0]
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise ToneError(
            f"{where} failed the courtesy guard: {first}{more}; {fix}"
        )


def warmth(text: str) -> int:
    """How many warm words a message carries: thanks, hope, interest, best wishes."""
    return len(re.findall(_WARM, text, re.IGNORECASE))
