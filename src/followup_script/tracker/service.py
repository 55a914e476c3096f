"""The tracker: contacts and touches in, the engine's answer out.

The library behind ``followup-script contact|log|due|next|why|stop|unstop|
calendar|export|import``. :class:`Tracker` keeps the contacts and their
touches in one tracker file (:mod:`~followup_script.tracker.store`) and asks
the engine (:func:`followup_script.engine.stages.plan`), which stays the
single place that decides the stage. Its collaborators:

- :mod:`~followup_script.tracker.history`: a stored touch history as the
  engine's input (and what ``why`` shows of it);
- :mod:`~followup_script.tracker.checks`: what a contact and a touch may hold;
- :mod:`~followup_script.tracker.names`: finding a contact by a forgiving name;
- :mod:`~followup_script.tracker.snooze`: "not before the 14th";
- :mod:`~followup_script.tracker.touches`: listing, editing and undoing touches;
- :mod:`~followup_script.tracker.delivery`: delivering exactly once;
- :mod:`~followup_script.tracker.calendar`: the iCalendar file;
- :mod:`~followup_script.tracker.transfer`: export and import.
"""

from __future__ import annotations

import datetime as dt
import heapq
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from followup_script.engine.stages import History, Outcome, Plan
from followup_script.engine.stages import plan as decide
from followup_script.errors import InputError
from followup_script.tracker import agreed, delivery, transfer
from followup_script.tracker import snooze as snoozing
from followup_script.tracker import touches as corrections
from followup_script.tracker.calendar import to_ical
from followup_script.tracker.checks import checked_touch, clean_fields
from followup_script.tracker.history import (
    history_of,
    preview_plan,
    refresh_contact,
    refresh_if_the_engine_changed,
)
from followup_script.tracker.names import find_in
from followup_script.tracker.rows import Contact, NewTouch, Touch
from followup_script.tracker.store import Store

__all__ = ["Due", "Logged", "NewTouch", "Recorded", "Tracker"]


@dataclass
class Due:
    """One row of the ``due`` queue."""

    contact: Contact
    history: History
    plan: Plan
    #: an agreed call's confirmation ("confirm") or reminder ("remind"), due on ``on``; None: the plan itself
    task: str | None = None
    on: dt.date | None = None

    @property
    def day(self) -> dt.date:
        return self.on if self.on is not None else self.plan.due

    @property
    def task_words(self) -> str | None:
        return agreed.TASK_WORDS[self.task] if self.task else None

    def to_dict(self) -> dict:
        out = {"name": self.contact.name, "company": self.contact.company, "role": self.contact.role,
               "email": self.contact.email, "phone": self.contact.phone,
               "snoozed_until": self.contact.snoozed_until}
        out.update(self.plan.to_dict())
        if self.task:
            out.update(task=self.task_words, task_due=self.day.isoformat())
        return out


@dataclass
class Logged:
    contact: Contact
    touch: Touch
    plan: Plan | None
    stopped_now: bool = False
    snooze_ended: dt.date | None = None  # the snooze this touch ended (they answered)


@dataclass
class Recorded:
    """What :meth:`Tracker.record` wrote (and :meth:`Tracker.take_back` removes): the contact
    as it is now, whether it was added, and the touches logged, oldest first."""

    contact: Contact
    added: bool = False
    touches: list[Touch] = field(default_factory=list)
    plan: Plan | None = None


class Tracker:
    """Contacts and touches in one tracker file, planned by the engine."""

    def __init__(self, store: Store, business_days: bool = True, planner=None):
        self.store = store
        self.business_days = business_days
        #: the engine: stages.plan, or Scriptwriter.plan (same function, config-aware)
        self.planner = planner or decide
        refresh_if_the_engine_changed(self)

    @classmethod
    def open(cls, path: str | Path | None = None, business_days: bool = True) -> Tracker:
        return cls(Store.open(path), business_days)

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> Tracker:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- reading -------------------------------------------------------------------------------

    def plan(self, history: History | None, today: dt.date) -> Plan | None:
        return None if history is None else self.planner(history, today, self.business_days)

    def find(self, name: str) -> Contact:
        """The contact ``name`` names, forgiving case, accents, apostrophes and punctuation:
        the exact name first, then a unique part of one (see :mod:`~followup_script.tracker.names`)."""
        return find_in(self.store, name)

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
        return {"contact": contact, "touches": touches, "history": history, "plan": self.plan_for(contact, today)}

    def due(self, today: dt.date, within: int = 0) -> Iterator[Due]:
        """The queue, earliest due (most overdue) first, streamed from SQLite."""
        if within < 0:
            raise InputError("is negative", field="within", value=within, fix="use 0 (due today) or more days")
        limit = today + dt.timedelta(days=within)
        with self.store.read():
            tasks = [Due(*item) for item in agreed.agreed_tasks(self.store, self.plan, today, limit)]
            rows = self.store.due_contacts((limit + dt.timedelta(days=1)).isoformat())
            try:
                yield from heapq.merge(self._due_rows(rows, today, limit), tasks, key=lambda row: row.day)
            finally:
                rows.close()

    def _due_rows(self, rows: Iterable[Contact], today: dt.date, limit: dt.date) -> Iterator[Due]:
        for contact in rows:
            history = history_of(contact)
            found = self.plan(history, today) if contact.snoozed_until is None else self.plan_for(contact, today)
            if found is not None and found.active and found.due <= limit:
                yield Due(contact, history, found)

    # -- writing -------------------------------------------------------------------------------

    def add_contact(self, values: dict) -> Contact:
        cleaned = clean_fields(values)
        with self.store.write():
            return self.store.add_contact(cleaned)

    def edit_contact(self, name: str, values: dict) -> Contact:
        """Change fields; the stop flag and the touches are never touched by an edit."""
        cleaned = clean_fields(values)
        with self.store.write():
            contact = self.find(name)
            return self.refresh(self.store.update_contact(contact.id, cleaned))

    def remove_contact(self, name: str) -> Contact:
        with self.store.write():
            contact = self.find(name)
            self.store.remove_contact(contact.id)
            return contact

    def log(self, name: str, outcome, via: str | None = "call", at: dt.date | None = None,
            next_at: dt.date | dt.datetime | None = None, note: str | None = None,
            today: dt.date | None = None) -> Logged:
        """Record a touch; the outcome ``stop`` also sets the stop flag."""
        today = today or dt.date.today()
        touch = checked_touch(NewTouch(outcome, at or today, via, next_at, note), today)
        with self.store.write():
            contact = self.find(name)
            return self._log(contact, touch, today)

    def _log(self, contact: Contact, touch: NewTouch, today: dt.date) -> Logged:
        """Log a checked touch, inside the caller's write transaction; a touch that shows
        they answered ends a snooze."""
        stored = self.store.add_touch(contact.id, touch.at, touch.via, touch.outcome.value, touch.next_at,
                                      touch.note)
        stopped_now = touch.outcome is Outcome.STOP and not contact.stopped
        if stopped_now:
            self.store.set_stop(contact.id, touch.at, touch.note or f"said stop ({touch.via})")
        ended = contact.snooze if contact.snooze is not None and snoozing.lifted_by(touch) else None
        if ended is not None:
            self.store.set_snooze(contact.id, None, None)
        contact = self.refresh(self.store.contact(contact.id))
        return Logged(contact, stored, self.plan_for(contact, today), stopped_now, ended)

    def record(self, contact: Contact | None = None, *, fields: dict | None = None,
               touches: Iterable[NewTouch] = (), today: dt.date | None = None) -> Recorded:
        """In one transaction: add the new contact ``fields`` (when ``contact`` is None), then
        log ``touches`` in order. Nothing is written if any of them is refused."""
        if contact is None and fields is None:
            raise TypeError("record() needs a tracked contact or the new contact's fields")
        today = today or dt.date.today()
        checked = [checked_touch(t, today) for t in touches]
        cleaned = clean_fields(fields) if contact is None else None
        with self.store.write():
            done = Recorded(self.store.add_contact(cleaned), added=True) if contact is None else \
                Recorded(self.store.contact(contact.id))
            for touch in checked:
                logged = self._log(done.contact, touch, today)
                done.contact = logged.contact
                done.touches.append(logged.touch)
        done.plan = self.plan_for(done.contact, today)
        return done

    def take_back(self, recorded: Recorded) -> None:
        """Remove what :meth:`record` wrote: the contact it added, or the touches it logged."""
        with self.store.write():
            if recorded.added:
                self.store.remove_contact(recorded.contact.id)
                return
            for touch in recorded.touches:
                self.store.remove_touch(touch.id)
            self.refresh(self.store.contact(recorded.contact.id))

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

    # -- delegated: each of these functions takes the tracker as its first argument ------------

    def preview(self, contact: Contact | None, event, today: dt.date | None = None,
                situation=None) -> Plan:
        """The plan that logging ``event`` would give, without writing anything (see
        :func:`~followup_script.tracker.history.preview_plan`), with the contact's snooze
        unless the event would end it."""
        today = today or dt.date.today()
        if contact is None or contact.snooze is None or snoozing.lifted_by(event):
            return preview_plan(self, contact, event, today, situation)
        return snoozing.snoozed_plan(lambda day: preview_plan(self, contact, event, day, situation), contact,
                                   today, self.business_days)

    refresh = refresh_contact
    plan_for = snoozing.plan_of
    forecast = snoozing.forecast
    snooze = snoozing.snooze
    unsnooze = snoozing.unsnooze
    why = snoozing.why
    touches = corrections.touches_of
    touch = corrections.touch_by_id
    last_touch = corrections.last_touch
    undo = corrections.undo
    edit_touch = corrections.edit_touch
    record_delivery = delivery.record_delivery
    deliver_once = delivery.deliver_once
    record_and_deliver = delivery.record_and_deliver
    email_thread = delivery.email_thread
    calendar = to_ical
    export = transfer.export_data
    import_records = transfer.import_records
