"""Snoozing a contact: "they are on leave until the 14th".

A snoozed contact is not due before the day the snooze ends. The engine still
decides the stage; :func:`snoozed_plan` only moves a plan that would fall due
earlier to that day (the first working day from it, when weekends move to
Monday), says so in the plan's reason, and takes the stage the engine gives
on that day. :func:`forecast` does the same for the weeks ahead (``why``, the
calendar): the first step on the day the snooze ends, the engine's weekly
rhythm from there. A stop wins over a snooze; a conversation logged while
snoozed (they answered) ends it (:func:`lifted_by`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import replace
from typing import cast

from followup_script.engine.stages import (
    History,
    Outcome,
    Plan,
    Step,
    human_date,
    next_business_day,
    overdue_words,
    simulate,
)
from followup_script.errors import InputError
from followup_script.tracker.history import RULES, explain, history_of
from followup_script.tracker.rows import Contact

#: A touch with one of these outcomes means they answered, whatever the channel.
ANSWERED = frozenset({Outcome.SCHEDULED, Outcome.NO_TIME, Outcome.REPLIED, Outcome.STOP})


def lifted_by(touch) -> bool:
    """Whether logging ``touch`` ends a snooze: they answered (a call or meeting that
    was not a no-answer, or any touch that agreed a time, could not name one, was a
    reply or a stop); a one-way voicemail, email or SMS does not."""
    outcome = Outcome(touch.outcome)
    return outcome in ANSWERED or (outcome is not Outcome.NO_ANSWER and touch.via in ("call", "meeting"))


def check_until(until: dt.date, today: dt.date) -> dt.date:
    """A snooze ends today or later."""
    if until < today:
        raise InputError(f"is in the past (today is {today})", field="until", value=until.isoformat(),
                         fix="give the day they can be contacted again, today or later")
    return until


def start_day(until: dt.date, business_days: bool) -> dt.date:
    """The first day a snoozed contact can be due: the day the snooze ends, or the Monday
    after it when it is a Saturday or Sunday and weekends move to Monday."""
    return next_business_day(until) if business_days else until


def snoozed_plan(plan_on: Callable[[dt.date], Plan | None], contact: Contact, today: dt.date,
                 business_days: bool) -> Plan | None:
    """The plan of ``contact`` on ``today`` with its snooze: ``plan_on(day)`` is the engine's
    plan as seen on ``day`` (the tracker's planner over the contact's history)."""
    found = plan_on(today)
    until = contact.snooze
    if found is None or until is None or not found.active or found.due is None:
        return found
    start = start_day(until, business_days)
    if found.due >= start:
        return found
    later = plan_on(max(start, today)) if start > today else found
    if later is None or not later.active or later.due is None or later.due > start:
        return later
    tail = f" It is {overdue_words(later.overdue_days)}: do it today."
    before = later.reason[:-len(tail)] if later.overdue_days and later.reason.endswith(tail) else later.reason
    note = f" ({contact.snooze_note})" if contact.snooze_note else ""
    ended = "" if until > today else " (now over)"
    moved = (f" ({human_date(until)} falls on a weekend, so it starts on the Monday)"
             if start != until else "")
    overdue = max(0, (today - start).days)
    reason = (f"Snoozed until {human_date(until)}{note}{ended}: nothing is due before then, so the "
              f"{later.stage.value} is due on {human_date(start)}{moved}. Without the snooze: {before}")
    if overdue:
        reason += f" It is {overdue_words(overdue)}: do it today."
    return replace(later, due=start, due_time=None, overdue_days=overdue, reason=reason)


def plan_of(tracker, contact: Contact, today: dt.date) -> Plan | None:
    """``Tracker.plan_for``: the plan of ``contact`` (from its cached state) on ``today``,
    with its snooze."""
    history = history_of(contact)
    if history is None:
        return None
    return snoozed_plan(lambda day: tracker.plan(history, day), contact, today, tracker.business_days)


def forecast(tracker, contact: Contact, history: History, today: dt.date,
             weeks: int | None = 8) -> Iterator[Step]:
    """The engine's :func:`~followup_script.engine.stages.simulate` with the snooze: the
    first step moves to the day the snooze ends (or today, when that is past), and the
    weekly steps follow from it, up to ``weeks`` weeks from ``today`` (None: no end)."""
    business_days = tracker.business_days
    first = snoozed_plan(lambda day: tracker.plan(history, day), contact, today, business_days)
    unsnoozed = tracker.plan(history, today)
    if first is None or not first.active or first == unsnoozed:
        yield from simulate(history, today, weeks, business_days)
        return
    end = None if weeks is None else today + dt.timedelta(weeks=weeks)
    since = max(cast(dt.date, first.due), today)  # an active plan has a due day
    steps = simulate(history, since, None, business_days)
    next(steps, None)  # the engine's view of the first step; the snoozed plan replaces it
    if end is not None and since > end:
        return
    yield Step(since, first)
    for step in steps:
        if end is not None and step.on > end:
            return
        yield step


def snooze(tracker, name: str, until: dt.date, note: str | None = None,
           today: dt.date | None = None) -> Contact:
    """``Tracker.snooze``: ``name`` is not due before ``until`` (today or later). A stopped
    contact cannot be snoozed: nothing is sent to them anyway."""
    today = today or dt.date.today()
    check_until(until, today)
    with tracker.store.write():
        contact = tracker.find(name)
        if contact.stopped:
            raise InputError(f"{contact.label()} is stopped (since {contact.stopped_on}): nothing is sent "
                             "to them, snoozed or not; there is nothing to snooze")
        tracker.store.set_snooze(contact.id, until, (note or "").strip() or None)
        return tracker.refresh(tracker.store.contact(contact.id))


def unsnooze(tracker, name: str) -> tuple[Contact, bool]:
    """``Tracker.unsnooze``: end the snooze of ``name``; returns the contact and whether
    it was snoozed."""
    with tracker.store.write():
        contact = tracker.find(name)
        if contact.snooze is None:
            return contact, False
        tracker.store.set_snooze(contact.id, None, None)
        return tracker.refresh(tracker.store.contact(contact.id)), True


def why(tracker, name: str, today: dt.date, weeks: int = 8) -> dict:
    """``Tracker.why``: :func:`~followup_script.tracker.history.explain` with the snooze: the
    plan and the weeks ahead move with it, and the facts say until when."""
    found = explain(tracker, name, today, weeks)
    contact, history = found["contact"], found["history"]
    found["facts"]["snoozed_until"] = contact.snoozed_until
    found["facts"]["snooze_note"] = contact.snooze_note
    if history is not None and contact.snooze is not None:
        found["plan"] = plan_of(tracker, contact, today)
        found["rule"] = RULES.get(found["plan"].stage, found["rule"])
        found["simulation"] = list(forecast(tracker, contact, history, today, weeks))
    return found
