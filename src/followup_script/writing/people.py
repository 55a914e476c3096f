"""How to address a contact: the name to greet them by, ``hello`` and ``dear``.

The name is split by nameparser (imported here, only when a name has to be
split), never by taking the first word: "Dr. Priya Natarajan" is greeted as
"Dr. Natarajan", "Ms. Dana Reyes" as "Ms. Reyes", and a generic addressee
("Hiring Manager", "Recruiting") by no name at all ("Hello", "Dear Hiring
Manager"). Name order is not guessed: for a family-name-first name ("Nguyễn
Văn An") or a compound given name ("María José") the user says how to address
them (``first_name``, or a whole ``greeting``), and that is used as written.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

from followup_script import _speedups
from followup_script.writing.name_words import NOT_PLAIN  # nameparser's lists, frozen (20 ms)

# Words that make up an addressee who is a function, not a person ("Hiring Manager",
# "The Recruiting Team", "HR Department", "To whom it may concern").
GENERIC_WORDS = frozenset("""
    hiring manager managers team recruiting recruiter recruiters recruitment talent acquisition
    hr human resources people careers career jobs job department dept committee search panel
    staffing office admissions the and of to whom it may concern sir madam or dear
    applications application employer employment personnel selection interview interviewer
""".split())
# Generic addressees an email may still name in "Dear ...": a person's function.
_DEAR_GENERIC_LAST = frozenset({"manager", "team", "committee", "recruiter", "panel", "interviewer"})
# Titles after which a first name, not the surname, is used ("Sir Alex", "Dame Judi").
_FIRST_NAME_TITLES = frozenset({"sir", "dame", "lord", "lady"})
# What sends a name through the parser: a comma ("Reyes, Dana"), a period (a title or an
# initial), quotes or brackets (a nickname).
_UNUSUAL = re.compile(r"[,.\"'“”‘’()\[\]]")
_PUNCTUATION = ".,;:'\"“”‘’()[]"
_THE = re.compile(r"^the\s+", re.IGNORECASE)
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*", re.UNICODE)


class Address(NamedTuple):
    """How a contact is addressed: ``first_name`` (None for no name), ``hello`` (said,
    texted) and ``dear`` (an email's salutation), both without punctuation."""

    first_name: str | None
    hello: str
    dear: str


def is_generic(name: str) -> bool:
    """True for an addressee who is a function, not a person: "Hiring Manager",
    "Recruiting", "The HR Team"."""
    if name.split(maxsplit=1)[0].strip(_PUNCTUATION).casefold() not in GENERIC_WORDS:
        return False  # the first word says it for almost every name (a speed trick)
    words = [w.casefold() for w in _WORD.findall(name)]
    return bool(words) and all(w in GENERIC_WORDS for w in words)


@lru_cache(maxsize=1024)
def name_to_greet(name: str) -> str | None:
    """The name to greet ``name`` by: "Dr. Natarajan", "Ms. Reyes", "Dana", "Sir Alex";
    None for a generic addressee or no name."""
    name = " ".join(str(name).split())
    if not name or is_generic(name):
        return None
    words = name.split()
    if (_speedups.enabled() and len(words) <= 4 and not _UNUSUAL.search(name)
            and NOT_PLAIN.isdisjoint([w.casefold() for w in words])  # nameparser's titles, prefixes, "and"
            and "".join(words).replace("-", "").isalpha()):  # letters alone: no emoji, "&", zero-width space
        return words[0]  # "Dana Reyes": what the parser says too, without its 0.4 ms a name (a speed trick)
    from nameparser import HumanName  # a name parser: only when a name is split

    parsed = HumanName(name)
    title, first, last = parsed.title, parsed.first, parsed.last
    if title:
        if title.rstrip(".").casefold().split()[-1] in _FIRST_NAME_TITLES and first:
            return f"{title} {first}"
        rest = last or first
        return f"{title} {rest}" if rest else None
    return first or last or name.split()[0]


@lru_cache(maxsize=256)
def short_name(name: str) -> str | None:
    """The first and last name of a long name ("Ana Carolina Lima" -> "Ana Lima", "Dr. Priya
    Natarajan" -> "Priya Natarajan"), for a voicemail whose budget is tight; None when the
    name is that short already or has no first and last name to keep."""
    name = " ".join(str(name).split())
    if len(name.split()) < 3 or is_generic(name):
        return None
    from nameparser import HumanName  # a name parser: only when a name is split

    parsed = HumanName(name)
    short = f"{parsed.first} {parsed.last}" if parsed.first and parsed.last else None
    return short if short and short != name else None


def _salutation(greeting: str) -> str:
    return greeting.strip().rstrip(",;:").rstrip()


def address(name: str | None, first_name: str | None = None, greeting: str | None = None) -> Address:
    """How to address a contact called ``name``. ``first_name`` (the name the user
    says to greet them by) and ``greeting`` (a whole greeting, e.g. "Chào anh An,")
    are used as written when given; with a greeting and no first name, no name is
    guessed from ``name`` either."""
    name = " ".join(str(name or "").split())
    first_name = " ".join(str(first_name or "").split()) or None
    if greeting and greeting.strip():  # the user said how to greet them: no name is guessed
        said = _salutation(" ".join(greeting.split()))
        return Address(first_name, said, said)
    greet = first_name or (name_to_greet(name) if name else None)
    if greet:
        return Address(greet, f"Hi {greet}", f"Dear {greet}")
    words = _WORD.findall(name)
    if words and is_generic(name) and words[-1].casefold() in _DEAR_GENERIC_LAST:
        return Address(None, "Hello", f"Dear {_THE.sub('', name)}")
    return Address(None, "Hello", "Hello")
