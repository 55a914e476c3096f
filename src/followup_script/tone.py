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
"urgent care" in it) are passed as ``data`` and masked before checking: the
guard judges the words of the template, not the names it was given.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .errors import ToneError

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

_WARM = re.compile(
    r"\b(?:thanks?|thank you|appreciate[ds]?|grateful|glad|enjoy(?:ed)?|hope|pleasure|kind|"
    r"look(?:ing)? forward|"
    r"warm(?:ly)?|wish|happy|excited|interest(?:ed)?|enthusias\w+|best)\b",
    re.IGNORECASE,
)

_COMPILED = {
    rule: [re.compile(p, 0 if rule == "shouting" else re.IGNORECASE) for p in patterns]
    for rule, patterns in RULES.items()
}

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


def _mask(text: str, data) -> str:
    """Blank out supplied values, also as channels may tidy them (plain quotes)."""
    values = {str(v) for v in data if v and len(str(v)) > 1}
    values |= {v.translate(_PLAIN).replace("\u2026", "...") for v in values}
    for value in sorted(values, key=len, reverse=True):
        text = text.replace(value, " ")
    return text


def check(text: str, data=()) -> list[Violation]:
    """Every courtesy violation in ``text``; an empty list means it passes."""
    text = _mask(text, data)
    found: list[Violation] = []
    for rule, patterns in _COMPILED.items():
        for pattern in patterns:
            for match in pattern.finditer(text):
                found.append(Violation(rule, match.group(0)))
    if not COURTESY.search(text):
        found.append(Violation("courtesy", "no thanks or appreciation"))
    return found


def enforce(text: str, where: str, data=()) -> None:
    """Raise :class:`ToneError` naming the first violation in ``text``."""
    problems = check(text, data)
    if problems:
        first = problems[0]
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise ToneError(
            f"{where} failed the courtesy guard: {first}{more}; reword the template"
        )


def warmth(text: str) -> int:
    """How many warm words a message carries: thanks, hope, interest, best wishes."""
    return len(_WARM.findall(text))
