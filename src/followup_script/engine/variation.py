"""Weekly nudges that never sound canned: which wording each sentence slot takes.

A weekly-nudge template is built from independent sentence slots (:data:`SLOTS`):
the opening, the reason for writing, something new, the ask and the close. Each
slot holds a bank of wordings in the template; this module only decides which one,
and hands the template a number per slot, ``nudge.<slot>``, that it reduces to its
bank's size with ``%``::

    {% set n = nudge.opening % 8 %}
    {% if n == 0 %}I hope your week is off to a good start.{% elif n == 1 %}...

The rule (docs/templates.md, "How weekly nudges vary"):

- Each slot's number is a starting point chosen from the contact, plus the attempt:
  it moves on by exactly one a week. So two nudges in a row never share a wording in
  any slot that has two or more, and a slot with N wordings gives N different ones
  in any N weeks in a row (the built-ins have at least 8 openings, so no two of any
  8 nudges in a row are the same text).
- The starting point is a stable hash (CRC-32) of the contact and the slot's name,
  not Python's ``hash()`` (which changes from run to run): the same contact and
  attempt give the same words on every run and every machine, and two contacts
  written the same week do not get the same words.

Pure, standard library only, and cheap (five CRC-32s per message): a batch of
10,000 rows spends microseconds here.
"""

from __future__ import annotations

import zlib
from collections.abc import Mapping

#: The sentence slots of a weekly nudge, in the order a message says them.
SLOTS = ("opening", "reason", "new", "ask", "close")

#: What identifies a contact, strongest first; the first one given is used.
_IDENTITY = ("name", "email", "phone", "company", "role")


def identity(contact: Mapping) -> str:
    """The stable key a contact's wording is chosen from (name, else address, else ...)."""
    for key in _IDENTITY:
        value = contact.get(key)
        if isinstance(value, str) and value.strip():
            return f"{key}:{' '.join(value.split()).casefold()}"
    return ""


def start(key: str, slot: str) -> int:
    """Where ``slot`` starts for the contact with ``key``: a number in 0..9999 (the CRC-32
    of ``key``, a separator and ``slot``)."""
    return _start(_head(key), slot.encode())


def _head(key: str) -> int:
    """The CRC-32 of ``key`` and the separator: what every slot's start runs on from."""
    return zlib.crc32(f"{key}\x1f".encode())


def _start(head: int, slot: bytes) -> int:
    # zlib.crc32's running value: the CRC-32 of the whole, from the key's part worked out once
    return zlib.crc32(slot, head) % 10_000


def turns(contact: Mapping, attempt: int | None) -> dict[str, int]:
    """``{slot: number}`` for ``contact``'s nudge number ``attempt``: each number is the
    slot's starting point plus the attempt, so it moves on by one each week."""
    week = attempt or 0
    head = _head(identity(contact))
    return {slot: _start(head, name) + week for slot, name in _SLOT_BYTES}


_SLOT_BYTES = tuple((slot, slot.encode()) for slot in SLOTS)


def pick(turn: int, size: int) -> int:
    """The wording a slot with ``size`` wordings takes: what ``nudge.<slot> % size`` gives."""
    return turn % size if size > 0 else 0
