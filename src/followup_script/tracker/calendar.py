"""The tracker as an RFC 5545 calendar (``followup-script calendar``).

For each contact with a plan: the next follow-up as one event, and the weekly
nudges after it as one weekly series, both with an alarm. Event UIDs come from
the contact's uid, so re-exporting updates the events instead of adding new
ones; a contact who replied or asked to stop gets both events cancelled. The
dates are the engine's forecast (:func:`followup_script.engine.stages.simulate`,
through ``Tracker.forecast``: a snoozed contact's events start when the snooze ends).
"""

from __future__ import annotations

import datetime as dt
import re

from followup_script.engine.stages import Plan, Stage, Step
from followup_script.errors import InputError
from followup_script.tracker.history import history_of
from followup_script.tracker.rows import Contact

DEFAULT_TIME = dt.time(9, 0)
DEFAULT_MINUTES = 15
#: The most weekly nudges one series holds (ten years of weeks).
MAX_WEEKS = 520
#: The earliest an alarm goes off before its follow-up: four weeks, in minutes.
MAX_REMINDER = 4 * 7 * 24 * 60


def quote_name(name: str) -> str:
    """A name as the calendar's hint ``followup-script next NAME`` writes it: in double
    quotes when it holds anything but letters, digits, ``.``, ``@`` and ``-``."""
    return f'"{name}"' if re.search(r"[^\w.@-]", name) else name


def call_window(contact: Contact) -> tuple[dt.time, int]:
    """Start time and length in minutes of the contact's preferred call window."""
    if not contact.call_window:
        return DEFAULT_TIME, DEFAULT_MINUTES
    start, end = (dt.time.fromisoformat(t) for t in contact.call_window.split("-"))
    minutes = (end.hour * 60 + end.minute) - (start.hour * 60 + start.minute)
    return start, minutes


def to_ical(tracker, today: dt.date, weeks: int = 8, reminder_minutes: int = 15,
             now: dt.datetime | None = None) -> bytes:
    """An RFC 5545 calendar of ``tracker``'s contacts: the next follow-up and the weekly nudges."""
    import icalendar

    if not 1 <= weeks <= MAX_WEEKS:
        raise InputError("is out of range", field="weeks", value=weeks, fix=f"use 1 to {MAX_WEEKS}")
    if not 0 <= reminder_minutes <= MAX_REMINDER:
        raise InputError("is out of range", field="reminder", value=reminder_minutes,
                         fix=f"use 0 to {MAX_REMINDER} minutes (four weeks)")
    from followup_script import __version__

    now = now or dt.datetime.now(dt.UTC)
    cal = icalendar.Calendar()
    cal.add("prodid", f"-//followup-script//followup-script {__version__}//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", "Follow-ups")
    for contact in tracker.contacts():
        history = history_of(contact)
        if history is None:
            continue
        events = _Events(icalendar, contact, reminder_minutes, now)
        current = tracker.plan_for(contact, today)
        if current.active:
            found = events.planned(*_two_steps(tracker, contact, history, today), weeks)
        else:
            found = events.cancelled(current)
        for event in found:
            cal.add_component(event)
    if hasattr(cal, "add_missing_timezones"):
        cal.add_missing_timezones()
    return cal.to_ical()


def _two_steps(tracker, contact: Contact, history, today: dt.date) -> tuple[Step, Step | None]:
    """The first two steps of the forecast; the second is None when it would fall past
    the last day a date can have (a far date stored by an older version, e.g. an agreed
    call on 9999-12-31): that contact then gets its next follow-up and no weekly series."""
    steps = tracker.forecast(contact, history, today, None)
    first = next(steps)
    try:
        second = next(steps)
    except (OverflowError, StopIteration):
        second = None
    return first, second


class _Events:
    """The two events of one contact: the next follow-up and the weekly series."""

    def __init__(self, icalendar, contact: Contact, reminder: int, now: dt.datetime):
        self.ical, self.contact, self.reminder, self.now = icalendar, contact, reminder, now
        self.start_time, self.minutes = call_window(contact)
        self.zone = None
        if contact.timezone:
            from zoneinfo import ZoneInfo

            self.zone = ZoneInfo(contact.timezone)
        self.who = contact.label()
        self.uid_next = f"{contact.uid}-next@followup-script"
        self.uid_nudges = f"{contact.uid}-nudges@followup-script"

    def moment(self, day: dt.date, at: dt.time | None = None) -> dt.datetime:
        return dt.datetime.combine(day, at or self.start_time, tzinfo=self.zone)

    def event(self, uid: str, summary: str, start: dt.datetime, description: str):
        ev = self.ical.Event()
        ev.add("uid", uid)
        ev.add("dtstamp", self.now)
        ev.add("dtstart", start)
        ev.add("duration", dt.timedelta(minutes=self.minutes))
        ev.add("sequence", self.contact.revision)
        ev.add("summary", summary)
        ev.add("description", description)
        return ev

    def alarm(self, description: str):
        alarm = self.ical.Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", description)
        alarm.add("trigger", dt.timedelta(minutes=-self.reminder))
        return alarm

    def cancelled(self, current: Plan):
        why = "they got back to you" if current.stage is Stage.DONE else "they asked you to stop"
        for uid in (self.uid_next, self.uid_nudges):
            ev = self.event(uid, f"Cancelled: follow up with {self.who} ({why})",
                            self.moment(current.last_contact), current.reason)
            ev.add("status", "CANCELLED")
            yield ev

    def planned(self, first_step, second_step, weeks: int):
        """The next follow-up (done today when overdue), then the weekly nudges from the step after."""
        contact = self.contact
        reach = "\n".join(f"{k}: {v}" for k, v in (("Phone", contact.phone), ("Email", contact.email)) if v)
        script = f"Script: followup-script next {quote_name(contact.name)}"
        day, current = first_step
        first = self.event(
            self.uid_next, f"Follow up with {self.who}: {current.stage.value.replace('-', ' ')}",
            self.moment(day, current.due_time if day == current.due else None),
            "\n".join(filter(None, [current.reason, reach, script])),
        )
        first.add("status", "CONFIRMED")
        first.add_component(self.alarm(f"Follow up with {self.who} now ({current.stage.value})"))
        yield first
        if second_step is None:
            return

        series = self.event(
            self.uid_nudges, f"Weekly nudge: {self.who}", self.moment(second_step.plan.due),
            "If nobody has replied, nudge once a week, warmly, until they get back to you. "
            "Log each touch (followup-script log) and re-export: this series moves with it.\n"
            + "\n".join(filter(None, [reach, script])),
        )
        series.add("rrule", {"freq": "weekly", "count": weeks})
        series.add("status", "CONFIRMED")
        series.add_component(self.alarm(f"Weekly nudge for {self.who}"))
        yield series
