"""Finding a contact by what a person types: forgiving about case, accents,
apostrophes, punctuation and spaces.

``obrien``, ``O’Brien``, ``zoe`` and ``zoe obrien`` all find "Zoë O'Brien":

- :func:`fold` is how names are compared: Unicode NFKD with the combining marks
  dropped (``ë`` is ``e``), a few letters that do not decompose spelt out (``ø``
  is ``o``, ``æ`` is ``ae``), case folded, apostrophes of every style dropped
  (``’ ' ` ʼ``), any other punctuation a space, spaces collapsed;
- :func:`pick` decides, given the typed name and the contacts whose folded name
  holds it (spaces ignored): an exact match wins, else one partial match, else
  the several matches are listed; with none, :func:`closest` offers the nearest
  names (difflib on the folded forms).

The tracker file keeps each contact's folded name (the ``name_fold`` column), so a
lookup is one query; a change to :func:`fold` needs a migration that refills it.
"""

from __future__ import annotations

import difflib
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from followup_script.errors import InputError
from followup_script.tracker.rows import name_key

__all__ = ["Found", "closest", "compact", "find_in", "fold", "matches", "pick"]

APOSTROPHES = "'’‘`ʼ´ʹ′"
#: Letters NFKD leaves whole, as a person without them on their keyboard types them.
SPELT_OUT = {"ø": "o", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "æ": "ae", "œ": "oe", "ı": "i",
             "ħ": "h", "ŧ": "t"}
_DROP = {ord(c): None for c in APOSTROPHES}


def fold(name: str) -> str:
    """``Zoë O'Brien`` -> ``zoe obrien``: how names are compared (see the module docstring)."""
    text = unicodedata.normalize("NFKD", (name or "").translate(_DROP)).translate(_DROP)
    letters = []
    for char in text.casefold():
        if unicodedata.combining(char):
            continue
        char = SPELT_OUT.get(char, char)
        letters.append(char if char.isalnum() else " ")
    return " ".join("".join(letters).split())


def compact(folded: str) -> str:
    """A folded name without its spaces: ``zoe o brien`` and ``zoeobrien`` are the same."""
    return folded.replace(" ", "")


@dataclass
class Found:
    """What :func:`pick` decided: the one contact, or the several that match."""

    one: Any = None
    several: list = field(default_factory=list)


def pick(typed: str, matching: Sequence, fold_of=lambda c: c.name_fold) -> Found:
    """Choose among ``matching`` (the candidates whose folded name holds ``typed``'s,
    spaces ignored; ``fold_of`` gives a candidate's folded name): a unique exact match
    (the same folded name, then the same without spaces) wins, then a unique match."""
    wanted = fold(typed)
    for same in (lambda c: fold_of(c) == wanted, lambda c: compact(fold_of(c)) == compact(wanted)):
        exact = [c for c in matching if same(c)]
        if len(exact) == 1:
            return Found(one=exact[0])
        if exact:
            return Found(several=exact)
    if len(matching) == 1:
        return Found(one=matching[0])
    return Found(several=list(matching))


def matches(typed: str, names: Iterable[tuple[Any, str]]) -> list:
    """The items of ``names`` (item, folded name) whose folded name holds ``typed``'s."""
    wanted = compact(fold(typed))
    if not wanted:
        return []
    return [item for item, folded in names if wanted in compact(folded)]


def closest(typed: str, names: Iterable[tuple[Any, str]], count: int = 3, cutoff: float = 0.6) -> list:
    """Up to ``count`` items of ``names`` (item, folded name) nearest to ``typed``, best
    first: difflib's ratio against the whole folded name or any one word of it."""
    wanted = fold(typed)
    if not wanted:
        return []
    scored = []
    matcher = difflib.SequenceMatcher(b=wanted)
    for order, (item, folded) in enumerate(names):
        best = 0.0
        for candidate in (folded, compact(folded), *folded.split()):
            matcher.set_seq1(candidate)
            if matcher.real_quick_ratio() >= cutoff and matcher.quick_ratio() >= cutoff:
                best = max(best, matcher.ratio())
        if best >= cutoff:
            scored.append((-best, order, item))
    return [item for _, _, item in sorted(scored, key=lambda s: s[:2])[:count]]


def find_in(store, typed: str):
    """The one contact of ``store`` that ``typed`` names (``Tracker.find``): the same name
    (case and spaces aside) first, then :func:`pick` among the contacts whose folded name
    holds it. Several matches are listed, none gets the closest names suggested."""
    key = name_key(typed or "")
    if not key:
        raise InputError("the contact's name is empty; give a name (see followup-script contact list)")
    with store.read():
        exact = store.contact_by_key(key)
        if exact is not None:
            return exact
        wanted = compact(fold(typed))
        found = pick(typed, store.contacts_matching(wanted) if wanted else [])
        if found.one is not None:
            return found.one
        near = [] if found.several else closest(typed, [(name, folded) for name, folded in store.name_folds()])
    if found.several:
        shown = "; ".join(c.label() for c in found.several[:10])
        more = f" and {len(found.several) - 10} more" if len(found.several) > 10 else ""
        raise InputError(f"{typed!r} matches {len(found.several)} contacts: {shown}{more}; give more of the name")
    guess = f"did you mean {' or '.join(near)}? If not, " if near else ""
    raise InputError(f"no contact matches {typed!r}; {guess}see followup-script contact list, "
                     f"or add one with followup-script contact add {typed!r}")
