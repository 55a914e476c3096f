"""The tracker: contacts and touches in, the engine's answer out.

The library behind ``followup-script contact|log|due|next|why|stop|unstop|
calendar|export|import``. It derives a :class:`~followup_script.engine.stages.History`
from the stored touches (:func:`derive_history`) and asks the engine
(:func:`followup_script.engine.stages.plan`), which stays the single place that
decides the stage.

How a touch history becomes the engine's input:

- the last touch decides the outcome; ``last_contact`` is its date and
  ``scheduled_for`` its agreed time;
- ``attempts`` counts follow-up attempts after the last real conversation: a
  touch by voicemail, email or SMS, or any touch whose outcome is
  ``no-answer`` (a call nobody picked up), unless it ended ``scheduled``,
  ``replied`` or ``stop``;
- a contact with the stop flag is ``stopped`` whatever the touches say; the
  flag (not a ``stop`` touch) is the truth, so after an explicit ``unstop``
  the plan resumes from the touches before the stop;
- a contact without touches has no plan.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from followup_script.input.config import check_email, check_name, check_phone
from followup_script.errors import InputError
from followup_script.engine.stages import (
    History,
    Outcome,
    Plan,
    Situation,
    Stage,
    human_date,
    parse_choice,
)
from followup_script.engine.stages import (
    plan as decide,
)
from followup_script.tracker.store import (
    CONTACT_FIELDS,
    VIAS,
    Contact,
    Store,
    Touch,
    format_moment,
    name_key,
    parse_moment,
)

ATTEMPT_VIAS = frozenset({"voicemail", "email", "sms"})
CONVERSATION_OUTCOMES = frozenset({Outcome.SCHEDULED, Outcome.REPLIED, Outcome.STOP})
DERIVATION_VERSION = "1"  # bump when derive_history changes meaning
EXPORT_FORMAT = "followup-script"
EXPORT_VERSION = 1
DEFAULT_TIME = dt.time(9, 0)
DEFAULT_MINUTES = 15

RULES = {
    Stage.SCHEDULED_CALL: "a time was agreed (outcome scheduled): call at the agreed date and time",
    Stage.ASK_FOR_TIME: "they could not name a time (outcome no-time): ask when would suit them, "
                        "the same day",
    Stage.THREE_DAY_CHECK: "nothing was committed (outcome no-commitment) and no follow-up yet: "
                           "check in 3 days after the conversation",
    Stage.WEEKLY_NUDGE: "no reply since the last follow-up or contact: nudge 7 days after the last "
                        "touch, once a week, with no cap, until they get back to you",
    Stage.DONE: "they got back to you (outcome replied): the follow-up is done",
    Stage.STOPPED: "they asked you to stop: nothing more is sent, on any channel",
}


# -- deriving the engine's input ------------------------------------------------------------


def is_attempt(touch: Touch) -> bool:
    """A follow-up attempt (rather than a real conversation)."""
    outcome = Outcome(touch.outcome)
    if outcome in CONVERSATION_OUTCOMES:
        return False
    return outcome is Outcome.NO_ANSWER or touch.via in ATTEMPT_VIAS


def derive_history(contact: Contact, newest_first: Iterable[Touch]) -> History | None:
    """The engine's input for ``contact`` from its touches (newest first).

    Reads only as far back as the last real conversation. ``None`` when there
    is nothing to plan from (no touches, and no stop flag).
    """
    situation = Situation(contact.situation)
    if contact.stopped:
        return History(dt.date.fromisoformat(contact.stopped_on), Outcome.STOP, situation)
    last: Touch | None = None
    attempts = 0
    for touch in newest_first:
        if touch.outcome == Outcome.STOP:
            continue  # lifted by an explicit unstop: the flag is the truth
        if last is None:
            last = touch
        if not is_attempt(touch):
            break
        attempts += 1
    if last is None:
        return None
    outcome = Outcome(last.outcome)
    scheduled = last.next_at if outcome is Outcome.SCHEDULED else None
    return History(last.at, outcome, situation, scheduled, attempts)


def history_of(contact: Contact) -> History | None:
    """The engine's input from the contact's cached state (see :meth:`Tracker.refresh`)."""
    situation = Situation(contact.situation)
    if contact.stopped:
        return History(dt.date.fromisoformat(contact.stopped_on), Outcome.STOP, situation)
    if not contact.last_at:
        return None
    return History(dt.date.fromisoformat(contact.last_at), Outcome(contact.last_outcome), situation,
                   parse_moment(contact.next_at), contact.attempts)


def due_key(history: History | None) -> str | None:
    """The sort key of the ``due`` queue: the engine's due date without the weekend move.

    Moving Saturday and Sunday to Monday never reorders dates, so ordering by
    this key is ordering by the real due date.
    """
    if history is None:
        return None
    found = decide(history, history.last_contact, business_days=False)
    if not found.active or found.due is None:
        return None
    if found.due_time is not None:
        return format_moment(dt.datetime.combine(found.due, found.due_time))
    return found.due.isoformat()


def engine_fingerprint() -> str:
    """Changes whenever the engine's answers (or the derivation) change.

    The cached state is rebuilt when a tracker file was filled by a
    followup-script whose engine answered differently.
    """
    digest = hashlib.sha256(DERIVATION_VERSION.encode())
    base = dt.date(2026, 1, 5)
    for offset in range(7):
        day = base + dt.timedelta(days=offset)
        for outcome in Outcome:
            for attempts in (0, 1, 2):
                agreed = dt.datetime.combine(day + dt.timedelta(days=2), dt.time(10, 30))
                history = History(day, outcome, Situation.APPLICATION,
                                  agreed if outcome is Outcome.SCHEDULED else None, attempts)
                for business_days in (True, False):
                    got = decide(history, base, business_days)
                    digest.update(f"{got.stage}|{got.due}|{got.due_time}|{got.attempt};".encode())
    return digest.hexdigest()[:16]


# -- validating values ---------------------------------------------------------------------

_WINDOW = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")


def check_timezone(value: str) -> str:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    text = value.strip()
    try:
        ZoneInfo(text)
    except (ZoneInfoNotFoundError, ValueError):
        raise InputError(
            f"time zone {value!r} is not known; use an IANA name such as America/New_York or Europe/Lisbon"
        ) from None
    return text


def check_call_window(value: str) -> str:
    match = _WINDOW.match(value)
    bad = InputError(f"call window {value!r} is not a time range; use HH:MM-HH:MM, e.g. 09:30-11:00")
    if not match:
        raise bad
    h1, m1, h2, m2 = (int(g) for g in match.groups())
    if h1 > 23 or h2 > 23 or m1 > 59 or m2 > 59 or (h1, m1) >= (h2, m2):
        raise bad
    return f"{h1:02d}:{m1:02d}-{h2:02d}:{m2:02d}"


def call_window(contact: Contact) -> tuple[dt.time, int]:
    """Start time and length in minutes of the contact's preferred call window."""
    if not contact.call_window:
        return DEFAULT_TIME, DEFAULT_MINUTES
    start, end = (dt.time.fromisoformat(t) for t in contact.call_window.split("-"))
    minutes = (end.hour * 60 + end.minute) - (start.hour * 60 + start.minute)
    return start, minutes


def clean_fields(values: dict) -> dict:
    """Validate contact fields; ``""`` or None clears an optional field."""
    out = {}
    for key, value in values.items():
        if key not in CONTACT_FIELDS:
            raise InputError(f"{key!r} is not a contact field; use one of: {', '.join(CONTACT_FIELDS)}")
        text = None if value is None else str(value).strip()
        if key == "name":
            out[key] = check_name(text or "", "name")
            continue
        if not text:
            out[key] = "application" if key == "situation" else None
            continue
        if key == "situation":
            out[key] = parse_choice(Situation, text, "situation").value
        elif key == "phone":
            out[key] = check_phone(text)
        elif key == "email":
            out[key] = check_email(text)
        elif key == "timezone":
            out[key] = check_timezone(text)
        elif key == "call_window":
            out[key] = check_call_window(text)
        else:
            out[key] = text
    return out


def check_via(value: str | None, option: str = "--via") -> str:
    text = (value or "call").strip().lower()
    if text not in VIAS:
        raise InputError(f"{option} {value!r} is not known; use one of: {', '.join(VIAS)}")
    return text


def check_touch(at: dt.date, outcome: Outcome, next_at, today: dt.date | None) -> None:
    if today is not None and at > today:
        raise InputError(f"date {at} is after today ({today}); log a touch once it has happened")
    if outcome is Outcome.SCHEDULED and next_at is None:
        raise InputError("outcome 'scheduled' needs the agreed time; pass --next 'YYYY-MM-DD HH:MM'")
    if next_at is not None and outcome is not Outcome.SCHEDULED:
        raise InputError(
            f"--next is the time you agreed for the next call; it goes with --outcome scheduled, not {outcome.value}"
        )
    if next_at is not None:
        day = next_at.date() if isinstance(next_at, dt.datetime) else next_at
        if day < at:
            raise InputError(f"--next {format_moment(next_at)} is before the touch on {at}; give the agreed time")


# -- the tracker -----------------------------------------------------------------------------


@dataclass
class Due:
    """One row of the ``due`` queue."""

    contact: Contact
    history: History
    plan: Plan

    def to_dict(self) -> dict:
        out = {"name": self.contact.name, "company": self.contact.company, "role": self.contact.role,
               "email": self.contact.email, "phone": self.contact.phone}
        out.update(self.plan.to_dict())
        return out


@dataclass
class Delivered:
    """What :meth:`Tracker.deliver_once` did: a receipt, or the earlier delivery it found."""

    key: str
    receipt: object | None
    contact: Contact | None
    already: object | None = None

    def earlier_receipt(self) -> dict:
        return json.loads(self.already.receipt or "{}") if self.already is not None else {}


@dataclass
class Logged:
    contact: Contact
    touch: Touch
    plan: Plan | None
    stopped_now: bool = False


class Tracker:
    """Contacts and touches in one tracker file, planned by the engine."""

    def __init__(self, store: Store, business_days: bool = True, planner=None):
        self.store = store
        self.business_days = business_days
        #: the engine: stages.plan, or Scriptwriter.plan (same function, config-aware)
        self.planner = planner or decide
        self._check_engine()

    @classmethod
    def open(cls, path: str | Path | None = None, business_days: bool = True) -> Tracker:
        return cls(Store.open(path), business_days)

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> Tracker:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- cached state ------------------------------------------------------------------------

    def _check_engine(self) -> None:
        fingerprint = engine_fingerprint()
        if self.store.get_meta("engine") == fingerprint:
            return
        with self.store.write():
            if self.store.get_meta("engine") == fingerprint:
                return
            for contact_id in self.store.contact_ids():
                self.refresh(self.store.contact(contact_id))
            self.store.set_meta("engine", fingerprint)

    def refresh(self, contact: Contact) -> Contact:
        """Re-derive the cached engine input of ``contact`` from its touches."""
        unflagged = Contact(**{**contact.__dict__, "stopped_on": None})
        touches = self.store.latest_touches(contact.id)
        try:
            history = derive_history(unflagged, touches)
        finally:
            touches.close()
        count = self.store.conn.execute(
            "SELECT count(*) FROM touches WHERE contact_id = ?", (contact.id,)
        ).fetchone()[0]
        if history is None:
            self.store.set_state(contact.id, None, None, None, 0, count, None)
        else:
            self.store.set_state(
                contact.id, history.last_contact.isoformat(), history.outcome.value,
                format_moment(history.scheduled_for), history.attempts, count, due_key(history),
            )
        return self.store.contact(contact.id)

    # -- reading -----------------------------------------------------------------------------

    def plan(self, history: History | None, today: dt.date) -> Plan | None:
        return None if history is None else self.planner(history, today, self.business_days)

    def find(self, name: str) -> Contact:
        """Case-insensitive exact name first, then a unique part of a name."""
        key = name_key(name or "")
        if not key:
            raise InputError("the contact's name is empty; give a name (see followup-script contact list)")
        with self.store.read():
            exact = self.store.contact_by_key(key)
            if exact is not None:
                return exact
            matches = self.store.contacts_matching(key)
        if not matches:
            raise InputError(
                f"no contact matches {name!r}; see followup-script contact list, "
                f"or add one with followup-script contact add {name!r}"
            )
        if len(matches) > 1:
            shown = "; ".join(c.label() for c in matches[:10])
            more = f" and {len(matches) - 10} more" if len(matches) > 10 else ""
            raise InputError(f"{name!r} matches {len(matches)} contacts: {shown}{more}; give more of the name")
        return matches[0]

    def contacts(self) -> Iterator[Contact]:
        with self.store.read():
            rows = self.store.contacts()
            try:
                yield from rows
            finally:
                rows.close()

    def show(self, name: str, today: dt.date) -> dict:
        with self.store.read():
            contact = self.find(name)
            touches = self.store.touches(contact.id)
        history = history_of(contact)
        return {"contact": contact, "touches": touches, "history": history,
                "plan": self.plan(history, today)}

    def due(self, today: dt.date, within: int = 0) -> Iterator[Due]:
        """The queue, earliest due (most overdue) first, streamed from SQLite."""
        if within < 0:
            raise InputError(f"--within {within} is negative; use 0 (due today) or more days")
        limit = today + dt.timedelta(days=within)
        with self.store.read():
            rows = self.store.due_contacts((limit + dt.timedelta(days=1)).isoformat())
            try:
                for contact in rows:
                    history = history_of(contact)
                    found = self.plan(history, today)
                    if found is not None and found.active and found.due <= limit:
                        yield Due(contact, history, found)
            finally:
                rows.close()

    # -- writing -----------------------------------------------------------------------------

    def add_contact(self, values: dict) -> Contact:
        cleaned = clean_fields(values)
        with self.store.write():
            return self.store.add_contact(cleaned)

    def edit_contact(self, name: str, values: dict) -> Contact:
        """Change fields; the stop flag and the touches are never touched by an edit."""
        cleaned = clean_fields(values)
        with self.store.write():
            contact = self.find(name)
            contact = self.store.update_contact(contact.id, cleaned)
            return self.refresh(contact)

    def remove_contact(self, name: str) -> Contact:
        with self.store.write():
            contact = self.find(name)
            self.store.remove_contact(contact.id)
            return contact

    def log(self, name: str, outcome: str | Outcome, via: str | None = "call", at: dt.date | None = None,
            next_at: dt.date | dt.datetime | None = None, note: str | None = None,
            today: dt.date | None = None) -> Logged:
        """Record a touch; ``--outcome stop`` also sets the stop flag."""
        today = today or dt.date.today()
        outcome = parse_choice(Outcome, outcome, "--outcome")
        via = check_via(via)
        at = at or today
        check_touch(at, outcome, next_at, today)
        note = (note or "").strip() or None
        with self.store.write():
            contact = self.find(name)
            touch = self.store.add_touch(contact.id, at, via, outcome.value, next_at, note)
            stopped_now = False
            if outcome is Outcome.STOP and not contact.stopped:
                self.store.set_stop(contact.id, at, note or f"said stop ({via})")
                stopped_now = True
            contact = self.refresh(self.store.contact(contact.id))
        return Logged(contact, touch, self.plan(history_of(contact), today), stopped_now)

    def record_delivery(self, contact: Contact, via: str, at: dt.date, note: str) -> Contact:
        """After a delivery: a no-answer touch, in the caller's write transaction."""
        self.store.add_touch(contact.id, at, via, Outcome.NO_ANSWER.value, None, note)
        return self.refresh(self.store.contact(contact.id))

    def deliver_once(self, writer, message, contact: Contact | None = None, via: str | None = None,
                     today: dt.date | None = None, resend: bool = False) -> Delivered:
        """Deliver ``message`` at most once per idempotency key (docs/reliability.md).

        1. In its own committed transaction: refuse a stopped or changed contact,
           return the earlier receipt when the key is already 'done' (unless
           ``resend``), and record the key as 'pending'.
        2. Under the write lock (so a stop that lands meanwhile wins): deliver,
           log the touch (when ``contact`` is given) and mark the key 'done'.

        A crash between the two leaves the key 'pending'; the next attempt hands
        ``previous_attempt="interrupted"`` to the channel, which checks the
        service before creating anything. An error marks it 'failed' (a timeout
        leaves it 'pending': the outcome is unknown).
        """
        from followup_script.tracker.deadline import DeliveryTimeout, deadline, delivery_timeout

        timeout = delivery_timeout(writer.config)  # [delivery] timeout_seconds
        today = today or dt.date.today()
        key = writer.delivery_key(message)
        store = self.store
        with store.write():
            before = store.contact(contact.id) if contact is not None else None
            if before is not None:
                if before.revision != contact.revision:
                    if before.stopped:
                        writer.deliver(message, stopped=True)
                    raise InputError(f"{contact.name} changed while this script was being written; "
                                     "run the command again")
                if before.stopped:
                    writer.deliver(message, stopped=True)  # raises StoppedError, records nothing
            previous = store.delivery(key)
            if previous is not None and previous.status == "done" and not resend:
                return Delivered(key, None, contact, already=previous)
            attempt = None
            if previous is not None and not resend and previous.status != "done":
                attempt = "interrupted" if previous.status == "pending" else "failed"
            store.start_delivery(key, message.channel, contact.id if contact is not None else None)
        try:
            with store.write():
                now = store.contact(contact.id) if contact is not None else None
                if now is not None and now.revision != before.revision:
                    if now.stopped:
                        writer.deliver(message, stopped=True)
                    raise InputError(f"{contact.name} changed while this was being delivered; "
                                     "run the command again")
                with deadline(timeout, message.channel):
                    receipt = writer.deliver(message, stopped=bool(now and now.stopped),
                                             previous_attempt=attempt)
                where = receipt.id or receipt.url or receipt.path or receipt.detail or "no id"
                if now is not None:
                    now = self.record_delivery(now, via or "call", today,
                                               f"delivered by {message.channel}: {where}")
                    if receipt.contact_stopped:
                        store.set_stop(now.id, today, f"{message.channel} reported they opted out ({where})")
                        now = store.contact(now.id)
                if receipt.contact_stopped:
                    store.finish_delivery(key, "failed", error=f"opted out: {receipt.detail}")
                else:
                    store.finish_delivery(key, "done", receipt=json.dumps(receipt.to_dict()))
        except DeliveryTimeout:
            raise  # unknown outcome: the key stays 'pending'
        except BaseException as exc:
            if isinstance(exc, Exception):
                with store.write():
                    store.finish_delivery(key, "failed", error=" ".join(str(exc).split())[:500])
            raise
        return Delivered(key, receipt, now)

    def stop(self, name: str, on: dt.date, note: str | None = None) -> tuple[Contact, bool]:
        """Set the stop flag; returns the contact and whether it was newly set."""
        with self.store.write():
            contact = self.find(name)
            if contact.stopped:
                return contact, False
            self.store.set_stop(contact.id, on, (note or "").strip() or None)
            return self.store.contact(contact.id), True

    def unstop(self, name: str) -> tuple[Contact, bool]:
        with self.store.write():
            contact = self.find(name)
            if not contact.stopped:
                return contact, False
            self.store.set_stop(contact.id, None, None)
            return self.store.contact(contact.id), True

    # -- why -----------------------------------------------------------------------------------

    def simulate(self, history: History, today: dt.date, weeks: int = 8) -> list[tuple[dt.date, Plan]]:
        """The touches to come if nobody replies: (the day you act, the engine's plan).

        An overdue step is done today; each later step is planned by the engine
        from the no-answer touch the step before would leave.
        """
        out: list[tuple[dt.date, Plan]] = []
        end = today + dt.timedelta(weeks=weeks)
        current = self.plan(history, today)
        while current is not None and current.active and current.due is not None:
            day = max(current.due, today)
            if day > end:
                break
            out.append((day, current))
            nxt = History(day, Outcome.NO_ANSWER, history.situation, None, current.attempt or 1)
            current = self.plan(nxt, today)
        return out

    def why(self, name: str, today: dt.date, weeks: int = 8) -> dict:
        with self.store.read():
            contact = self.find(name)
            touches = list(self.store.latest_touches(contact.id))
        history = history_of(contact)
        current = self.plan(history, today)
        last_talk = next((t for t in touches if not is_attempt(t) and t.outcome != Outcome.STOP), None)
        facts = {
            "last_touch": _touch_dict(touches[0]) if touches else None,
            "last_conversation": _touch_dict(last_talk) if last_talk else None,
            "attempts_since_conversation": history.attempts if history else 0,
            "situation": contact.situation,
            "stopped": {"on": contact.stopped_on, "note": contact.stop_note} if contact.stopped else None,
            "business_days": self.business_days,
            "touches": len(touches),
        }
        steps = self.simulate(history, today, weeks) if history else []
        return {
            "contact": contact, "history": history, "plan": current,
            "rule": RULES[current.stage] if current else None, "facts": facts,
            "simulation": steps, "weeks": weeks,
        }

    # -- calendar ------------------------------------------------------------------------------

    def calendar(self, today: dt.date, weeks: int = 8, reminder_minutes: int = 15,
                 now: dt.datetime | None = None) -> bytes:
        """An RFC 5545 calendar: for each contact, the next follow-up and the weekly nudges."""
        import icalendar

        if weeks < 1:
            raise InputError(f"--weeks {weeks} is too small; use 1 or more")
        if reminder_minutes < 0:
            raise InputError(f"--reminder {reminder_minutes} is negative; use 0 or more minutes")
        from followup_script import __version__

        now = now or dt.datetime.now(dt.UTC)
        cal = icalendar.Calendar()
        cal.add("prodid", f"-//followup-script//followup-script {__version__}//EN")
        cal.add("version", "2.0")
        cal.add("calscale", "GREGORIAN")
        cal.add("x-wr-calname", "Follow-ups")
        for contact in self.contacts():
            history = history_of(contact)
            current = self.plan(history, today)
            if current is None:
                continue
            for event in self._events(icalendar, contact, history, current, today, weeks,
                                      reminder_minutes, now):
                cal.add_component(event)
        if hasattr(cal, "add_missing_timezones"):
            cal.add_missing_timezones()
        return cal.to_ical()

    def _events(self, icalendar, contact, history, current, today, weeks, reminder, now):
        uid_next = f"{contact.uid}-next@followup-script"
        uid_nudges = f"{contact.uid}-nudges@followup-script"
        start_time, minutes = call_window(contact)
        zone = None
        if contact.timezone:
            from zoneinfo import ZoneInfo

            zone = ZoneInfo(contact.timezone)

        def moment(day, at=None):
            return dt.datetime.combine(day, at or start_time, tzinfo=zone)

        def event(uid, summary, start, description):
            ev = icalendar.Event()
            ev.add("uid", uid)
            ev.add("dtstamp", now)
            ev.add("dtstart", start)
            ev.add("duration", dt.timedelta(minutes=minutes))
            ev.add("sequence", contact.revision)
            ev.add("summary", summary)
            ev.add("description", description)
            return ev

        who = contact.label()
        if not current.active:
            why = "they got back to you" if current.stage is Stage.DONE else "they asked you to stop"
            for uid in (uid_next, uid_nudges):
                ev = event(uid, f"Cancelled: follow up with {who} ({why})",
                           moment(current.last_contact), current.reason)
                ev.add("status", "CANCELLED")
                yield ev
            return

        reach = "\n".join(f"{k}: {v}" for k, v in (("Phone", contact.phone), ("Email", contact.email)) if v)
        script = f"Script: followup-script next {_quote(contact.name)}"
        day = max(current.due, today)
        first = event(
            uid_next, f"Follow up with {who}: {current.stage.value.replace('-', ' ')}",
            moment(day, current.due_time if day == current.due else None),
            "\n".join(filter(None, [current.reason, reach, script])),
        )
        first.add("status", "CONFIRMED")
        first.add_component(_alarm(icalendar, f"Follow up with {who} now ({current.stage.value})", reminder))
        yield first

        after = self.plan(History(day, Outcome.NO_ANSWER, history.situation, None, current.attempt or 1), today)
        series = event(
            uid_nudges, f"Weekly nudge: {who}", moment(after.due),
            "If nobody has replied, nudge once a week, warmly, until they get back to you. "
            "Log each touch (followup-script log) and re-export: this series moves with it.\n"
            + "\n".join(filter(None, [reach, script])),
        )
        series.add("rrule", {"freq": "weekly", "count": weeks})
        series.add("status", "CONFIRMED")
        series.add_component(_alarm(icalendar, f"Weekly nudge for {who}", reminder))
        yield series

    # -- export / import -----------------------------------------------------------------------

    def export(self) -> dict:
        """Everything in the tracker, as JSON-ready data that ``import`` reads back."""
        contacts = []
        with self.store.read():
            for contact in self.contacts():
                item = {"uid": contact.uid}
                item.update({k: getattr(contact, k) for k in CONTACT_FIELDS})
                item["stop"] = ({"on": contact.stopped_on, "note": contact.stop_note}
                                if contact.stopped else None)
                item["revision"] = contact.revision
                item["created_at"] = contact.created_at
                item["touches"] = [_touch_dict(t, full=True) for t in self.store.touches(contact.id)]
                contacts.append(item)
        return {"format": EXPORT_FORMAT, "version": EXPORT_VERSION, "contacts": contacts}

    def import_records(self, records: list[ImportContact], today: dt.date, dry_run: bool = False) -> ImportReport:
        """Apply parsed records in one transaction (rolled back for a dry run)."""
        report = ImportReport(dry_run=dry_run)
        try:
            with self.store.write():
                known_touches = self.store.touch_uids()
                for record in records:
                    try:
                        self._import_one(record, known_touches, report, today)
                    except InputError as exc:
                        raise InputError(f"{record.ref}: {exc}; nothing was imported") from None
                if dry_run:
                    raise _Rollback()
        except _Rollback:
            pass
        return report

    def _import_one(self, record: ImportContact, known_touches: set[str], report: ImportReport,
                    today: dt.date) -> None:
        store = self.store
        existing = store.contact_by_uid(record.uid) if record.uid else None
        if existing is None:
            existing = store.contact_by_key(name_key(record.fields["name"]))
        if existing is None:
            contact = store.add_contact(record.fields, uid=record.uid, created_at=record.created_at)
            report.add(f"add contact {contact.name}", "contacts_added")
        else:
            changes = {k: v for k, v in record.fields.items() if getattr(existing, k) != v}
            contact = existing
            if changes:
                contact = store.update_contact(existing.id, changes)
                shown = ", ".join(f"{k} {getattr(existing, k)!r} -> {v!r}" for k, v in changes.items())
                report.add(f"update contact {contact.name}: {shown}", "contacts_updated")
            else:
                report.count("contacts_unchanged")
        previous = store.touches(contact.id) if existing is not None else []
        seen = {(t.at, t.via, t.outcome, format_moment(t.next_at), t.note) for t in previous}
        for touch in record.touches:
            key = (touch.at, touch.via, touch.outcome, format_moment(touch.next_at), touch.note)
            if (touch.uid and touch.uid in known_touches) or (not touch.uid and key in seen):
                report.count("touches_unchanged")
                continue
            store.add_touch(contact.id, touch.at, touch.via, touch.outcome, touch.next_at, touch.note,
                            uid=touch.uid, created_at=touch.created_at)
            if touch.uid:
                known_touches.add(touch.uid)
            seen.add(key)
            report.add(f"add touch {contact.name}: {touch.at} {touch.via} {touch.outcome}", "touches_added")
            if touch.outcome == Outcome.STOP and record.stop is None:
                record.stop = (touch.at, touch.note or f"said stop ({touch.via})")
        contact = store.contact(contact.id)
        if record.stop is not None and not contact.stopped:
            store.set_stop(contact.id, record.stop[0], record.stop[1])
            report.add(f"stop {contact.name} (since {record.stop[0]})", "stops_added")
        elif record.stop is None and contact.stopped:
            report.add(f"keep the stop on {contact.name} (since {contact.stopped_on}); "
                       "only followup-script unstop lifts it", "stops_kept")
        if record.revision is not None:
            store.set_revision(contact.id, record.revision)
        self.refresh(store.contact(contact.id))


class _Rollback(Exception):
    pass


def _quote(name: str) -> str:
    return f'"{name}"' if re.search(r"[^\w.@-]", name) else name


def _alarm(icalendar, description: str, minutes: int):
    alarm = icalendar.Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", description)
    alarm.add("trigger", dt.timedelta(minutes=-minutes))
    return alarm


def _touch_dict(touch: Touch, full: bool = False) -> dict:
    out = {"at": touch.at.isoformat(), "via": touch.via, "outcome": touch.outcome,
           "next": format_moment(touch.next_at), "note": touch.note}
    if full:
        out = {"uid": touch.uid, **out, "created_at": touch.created_at}
    return out


# -- import files ------------------------------------------------------------------------------

CSV_COLUMNS = (*CONTACT_FIELDS, "date", "via", "outcome", "next", "note", "stopped", "stop_note")


@dataclass
class ImportTouch:
    at: dt.date
    via: str
    outcome: str
    next_at: dt.date | dt.datetime | None
    note: str | None
    uid: str | None = None
    created_at: str | None = None


@dataclass
class ImportContact:
    ref: str
    fields: dict
    touches: list[ImportTouch] = field(default_factory=list)
    stop: tuple[dt.date, str | None] | None = None
    uid: str | None = None
    revision: int | None = None
    created_at: str | None = None


@dataclass
class ImportReport:
    dry_run: bool
    lines: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)

    def add(self, line: str, counter: str) -> None:
        self.lines.append(line)
        self.count(counter)

    def count(self, counter: str) -> None:
        self.counts[counter] = self.counts.get(counter, 0) + 1

    def summary(self) -> str:
        labels = (("contacts_added", "contacts added"), ("contacts_updated", "contacts updated"),
                  ("contacts_unchanged", "contacts unchanged"), ("touches_added", "touches added"),
                  ("touches_unchanged", "touches already there"), ("stops_added", "stops set"),
                  ("stops_kept", "stops kept"))
        parts = [f"{self.counts.get(k, 0)} {label}" for k, label in labels if self.counts.get(k)]
        head = "dry run, nothing was changed: would apply" if self.dry_run else "imported"
        return f"{head}: {', '.join(parts) or 'nothing to change'}"

    def to_dict(self) -> dict:
        return {"dry_run": self.dry_run, "changes": list(self.lines), "counts": dict(self.counts)}


def _parse_date(value, what: str) -> dt.date:
    try:
        return dt.date.fromisoformat(str(value).strip())
    except (TypeError, ValueError):
        raise InputError(f"{what} {value!r} is not a date; use YYYY-MM-DD") from None


def _parse_next(value, what: str = "next"):
    text = " ".join(str(value).split())
    try:
        if len(text) <= 10:
            return dt.date.fromisoformat(text)
        return dt.datetime.fromisoformat(text.replace(" ", "T", 1)).replace(tzinfo=None, second=0, microsecond=0)
    except ValueError:
        raise InputError(f"{what} {value!r} is not a date and time; use 'YYYY-MM-DD HH:MM'") from None


def _make_touch(values: dict, today: dt.date) -> ImportTouch:
    if not values.get("date"):
        raise InputError("a touch needs its date; fill the date column (YYYY-MM-DD)")
    if not values.get("outcome"):
        raise InputError("a touch needs its outcome; fill the outcome column")
    at = _parse_date(values["date"], "date")
    outcome = parse_choice(Outcome, values["outcome"], "outcome")
    via = check_via(values.get("via") or "call", "via")
    next_at = _parse_next(values["next"]) if values.get("next") else None
    try:
        check_touch(at, outcome, next_at, today)
    except InputError as exc:
        raise InputError(str(exc).replace("--next", "next").replace("pass next", "fill next")) from None
    note = str(values.get("note") or "").strip() or None
    return ImportTouch(at, via, outcome.value, next_at, note,
                       uid=values.get("uid") or None, created_at=values.get("created_at") or None)


def read_import(path: str | Path, today: dt.date, fmt: str | None = None) -> list[ImportContact]:
    """Parse and validate a CSV or JSON file; every bad row is reported at once."""
    path = Path(path)
    fmt = (fmt or path.suffix.lstrip(".")).lower()
    if fmt not in ("csv", "json"):
        raise InputError(f"import file {str(path)!r} is neither .csv nor .json; rename it or pass --format")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise InputError(f"import file {str(path)!r} does not exist; check the path") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"import file {str(path)!r} cannot be read ({exc}); save it as UTF-8") from None
    errors: list[str] = []
    records = _read_csv(text, today, errors) if fmt == "csv" else _read_json(text, today, errors)
    if errors:
        shown = "; ".join(errors[:10])
        more = f"; and {len(errors) - 10} more" if len(errors) > 10 else ""
        raise InputError(
            f"{str(path)!r} has {len(errors)} bad row(s): {shown}{more}; fix them and import again "
            "(nothing was imported)"
        )
    return records


def _read_csv(text: str, today: dt.date, errors: list[str]) -> list[ImportContact]:
    reader = csv.reader(io.StringIO(text, newline=""))
    header = [h.strip().lower() for h in next(reader, [])]
    if "name" not in header:
        errors.append("line 1: the header needs a name column (and any of: " + ", ".join(CSV_COLUMNS[1:]) + ")")
        return []
    unknown = [h for h in header if h not in CSV_COLUMNS]
    if unknown:
        errors.append(f"line 1: unknown column(s) {', '.join(unknown)}; use: {', '.join(CSV_COLUMNS)}")
        return []
    by_key: dict[str, ImportContact] = {}
    start = reader.line_num + 1
    for cells in reader:
        ref = f"line {start}"
        start = reader.line_num + 1
        if len(cells) > len(header):
            errors.append(f"{ref}: {len(cells)} cells for {len(header)} columns; quote values that contain commas")
            continue
        values = {k: v.strip() for k, v in zip(header, cells, strict=False)}
        if not any(values.values()):
            continue
        try:
            given = {k: values[k] for k in CONTACT_FIELDS if values.get(k)}
            given["name"] = values.get("name", "")
            cleaned = clean_fields(given)
            touch = None
            if any(values.get(k) for k in ("date", "via", "outcome", "next", "note")):
                touch = _make_touch(values, today)
            stop = None
            if values.get("stopped"):
                stop = (_parse_date(values["stopped"], "stopped"), values.get("stop_note") or None)
        except InputError as exc:
            errors.append(f"{ref}: {exc}")
            continue
        key = name_key(cleaned["name"])
        record = by_key.get(key)
        if record is None:
            record = by_key[key] = ImportContact(ref, cleaned)
        else:
            clash = [k for k, v in cleaned.items() if k != "name" and record.fields.get(k) not in (None, v)]
            if clash:
                errors.append(f"{ref}: {clash[0]} {cleaned[clash[0]]!r} differs from "
                              f"{record.fields[clash[0]]!r} on {record.ref} for the same contact")
                continue
            record.fields.update(cleaned)
        if touch:
            record.touches.append(touch)
        if stop and record.stop is None:
            record.stop = stop
    return list(by_key.values())


def _read_json(text: str, today: dt.date, errors: list[str]) -> list[ImportContact]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        errors.append(f"line {exc.lineno}: not valid JSON ({exc.msg})")
        return []
    if isinstance(data, dict):
        if data.get("format") not in (None, EXPORT_FORMAT):
            errors.append(f"format {data.get('format')!r} is not a followup-script export")
            return []
        if isinstance(data.get("version"), int) and data["version"] > EXPORT_VERSION:
            errors.append(f"export version {data['version']} is newer than this followup-script "
                          f"reads ({EXPORT_VERSION}); upgrade followup-script")
            return []
        items = data.get("contacts")
    else:
        items = data
    if not isinstance(items, list):
        errors.append('the file needs a "contacts" list, as followup-script export writes it')
        return []
    records = []
    seen: dict[str, str] = {}
    for index, item in enumerate(items):
        ref = f"contacts[{index}]"
        if not isinstance(item, dict):
            errors.append(f"{ref}: not an object")
            continue
        if isinstance(item.get("name"), str):
            ref += f" ({item['name']})"
        try:
            unknown = set(item) - {*CONTACT_FIELDS, "uid", "stop", "revision", "created_at", "touches"}
            if unknown:
                raise InputError(f"unknown field(s) {', '.join(sorted(unknown))}")
            given = {k: item[k] for k in CONTACT_FIELDS if k in item}
            given.setdefault("name", "")
            cleaned = clean_fields(given)
            stop = None
            if item.get("stop"):
                if not isinstance(item["stop"], dict) or not item["stop"].get("on"):
                    raise InputError('stop must be {"on": "YYYY-MM-DD", "note": ...} or null')
                stop = (_parse_date(item["stop"]["on"], "stop.on"), item["stop"].get("note") or None)
            revision = item.get("revision")
            if revision is not None and (isinstance(revision, bool) or not isinstance(revision, int)):
                raise InputError(f"revision {revision!r} is not a whole number")
        except InputError as exc:
            errors.append(f"{ref}: {exc}")
            continue
        key = name_key(cleaned["name"])
        if key in seen:
            errors.append(f"{ref}: the same name as {seen[key]}")
            continue
        seen[key] = ref
        record = ImportContact(ref, cleaned, stop=stop, uid=item.get("uid") or None, revision=revision,
                               created_at=item.get("created_at") or None)
        touches = item.get("touches") or []
        if not isinstance(touches, list):
            errors.append(f"{ref}: touches must be a list")
            continue
        for t_index, raw in enumerate(touches):
            t_ref = f"{ref} touches[{t_index}]"
            if not isinstance(raw, dict):
                errors.append(f"{t_ref}: not an object")
                continue
            values = {"date": raw.get("at") or raw.get("date"), **raw}
            try:
                record.touches.append(_make_touch(values, today))
            except InputError as exc:
                errors.append(f"{t_ref}: {exc}")
        records.append(record)
    return records


def export_json(tracker: Tracker) -> str:
    return json.dumps(tracker.export(), indent=2, ensure_ascii=False) + "\n"


def why_text(found: dict, today: dt.date) -> str:
    """``followup-script why``: the rule, the facts and the next weeks, in words."""
    contact: Contact = found["contact"]
    current: Plan | None = found["plan"]
    facts = found["facts"]
    lines = [contact.label()]
    if current is None:
        lines.append("No plan yet: no touches are logged. Log the last one, e.g.")
        lines.append(f"  followup-script log {_quote(contact.name)} --outcome no-commitment --date {today}")
        return "\n".join(lines) + "\n"
    stage = current.stage.value + (f" (attempt {current.attempt})" if current.attempt else "")
    lines.append(f"Stage:  {stage}")
    lines.append(f"Rule:   {found['rule']}")
    lines.append(f"Why:    {current.reason}")
    lines.append("Facts:")

    def touch_words(t: dict) -> str:
        words = f"{human_date(dt.date.fromisoformat(t['at']))}, {t['via']}, {t['outcome']}"
        if t.get("next"):
            words += f", agreed {t['next'].replace('T', ' ')}"
        return words + (f" ({t['note']})" if t.get("note") else "")

    rows = [
        ("last touch", touch_words(facts["last_touch"]) if facts["last_touch"] else "none"),
        ("last conversation",
         touch_words(facts["last_conversation"]) if facts["last_conversation"] else "none logged"),
        ("attempts since", str(facts["attempts_since_conversation"])),
        ("situation", facts["situation"]),
        ("stop flag", (f"set on {facts['stopped']['on']}" + (f" ({facts['stopped']['note']})"
                                                            if facts["stopped"]["note"] else ""))
         if facts["stopped"] else "not set"),
        ("weekends", "move to Monday" if facts["business_days"] else "kept (calendar days)"),
        ("touches logged", str(facts["touches"])),
    ]
    for label, value in rows:
        lines.append(f"  {label:<18} {value}")
    weeks = found["weeks"]
    steps = found["simulation"]
    if not steps:
        lines.append(f"Next {weeks} weeks: nothing to send.")
    else:
        lines.append(f"Next {weeks} weeks if nobody replies:")
        for number, (day, step) in enumerate(steps, 1):
            when = human_date(day)
            if step.due_time and day == step.due:
                when += f" at {step.due_time:%H:%M}"
            late = f" (due {human_date(step.due)}, {step.overdue_days} days late: do it today)" \
                if day != step.due else ""
            lines.append(f"  {number:>2}. {when}: {step.stage.value} (attempt {step.attempt}){late}")
    return "\n".join(lines) + "\n"
