"""What the tracker file holds, as Python values: a :class:`Contact`, a
:class:`Touch`, a :class:`Delivery`, and how dates and names are stored.

Plain data: the SQL that reads and writes these rows is in
:mod:`followup_script.tracker.store`.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from followup_script.engine.stages import Outcome
from followup_script.input.values import SCRIPT_CONTACT_FIELDS

#: The fields of a tracked contact that a person sets (``contact add``/``edit``, import
#: files, export); the other columns are kept by the tracker itself.
TRACKED_CONTACT_FIELDS = (
    "name", "company", "role", "situation", "phone", "email", "timezone", "call_window", "notes",
    "first_name", "greeting", "topic",
)


@dataclass
class Contact:
    id: int
    uid: str
    name: str
    name_key: str
    company: str | None
    role: str | None
    situation: str
    phone: str | None
    email: str | None
    timezone: str | None
    call_window: str | None
    notes: str | None
    stopped_on: str | None
    stop_note: str | None
    revision: int
    created_at: str
    updated_at: str
    last_at: str | None
    last_outcome: str | None
    next_at: str | None
    attempts: int
    touch_count: int
    due_key: str | None
    name_fold: str = ""  # the name as names are compared (tracker.names.fold)
    snoozed_until: str | None = None  # not due before this day (Tracker.snooze)
    snooze_note: str | None = None
    first_name: str | None = None  # the name to greet them by, as the user gave it (schema 5)
    greeting: str | None = None  # a whole greeting, as the user gave it ("Dear Dr. Natarajan,")
    topic: str | None = None  # what an info request asked about
    bounced_on: str | None = None  # a message to them bounced (found by sync, schema 6)
    bounce_note: str | None = None

    @property
    def stopped(self) -> bool:
        return self.stopped_on is not None

    @property
    def snooze(self) -> dt.date | None:
        """The day the snooze ends (not due before it), or None."""
        return dt.date.fromisoformat(self.snoozed_until) if self.snoozed_until else None

    def script_fields(self) -> dict:
        """The contact as the templates see it (``Scriptwriter.write``)."""
        return {k: getattr(self, k) for k in SCRIPT_CONTACT_FIELDS if getattr(self, k)}

    def label(self) -> str:
        return f"{self.name} ({self.company})" if self.company else self.name


@dataclass
class Touch:
    id: int
    uid: str
    contact_id: int
    at: dt.date
    via: str
    outcome: str
    next_at: dt.date | dt.datetime | None
    note: str | None
    created_at: str

    def to_dict(self, full: bool = False) -> dict:
        """JSON-ready: ``at, via, outcome, next, note``; ``full`` adds ``uid`` and
        ``created_at`` (what ``export`` writes and ``import`` reads back)."""
        out = {"at": self.at.isoformat(), "via": self.via, "outcome": self.outcome,
               "next": format_moment(self.next_at), "note": self.note}
        if full:
            out = {"uid": self.uid, **out, "created_at": self.created_at}
        return out


@dataclass(frozen=True)
class NewTouch:
    """A touch that is not stored yet: to log (``Tracker.record``) or to preview
    (``Tracker.preview``). ``outcome`` and ``via`` are checked when it is used."""

    outcome: Outcome | str
    at: dt.date
    via: str = "call"
    next_at: dt.date | dt.datetime | None = None
    note: str | None = None


@dataclass
class Delivery:
    """One delivery attempt, by its idempotency key (``Scriptwriter.delivery_key``)."""

    key: str
    channel: str
    contact_id: int | None
    status: str
    started_at: str
    finished_at: str | None
    receipt: str | None
    error: str | None


def name_key(name: str) -> str:
    """How names are compared: case-insensitive, spaces collapsed."""
    return " ".join(name.split()).casefold()


def format_moment(value: dt.date | dt.datetime | None) -> str | None:
    """How a day or an agreed time is stored: ``2026-11-27`` or ``2026-11-27T10:30``."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%dT%H:%M")
    return value.isoformat()


def parse_moment(text: str | None) -> dt.date | dt.datetime | None:
    if not text:
        return None
    if "T" in text:
        return dt.datetime.fromisoformat(text)
    return dt.date.fromisoformat(text)


def now_stamp() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def new_uid() -> str:
    return str(uuid.uuid4())
