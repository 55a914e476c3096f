"""The template context: the variables every template may use (docs/templates.md).

Built from the plan, the profile and the contact; every supplied value is data
(one line, never compiled). Kept apart from the renderer (``writing/render.py``,
which re-exports these names) so the words a template is given grow here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from followup_script import _speedups
from followup_script.engine.stages import DAY_NAMES, MONTH_NAMES, Plan, human_date
from followup_script.writing.speech import speak_phone


class Fields(dict):
    """A dict of supplied values that knows whose they are, for error messages."""

    def __init__(self, label: str, values: dict):
        super().__init__({k: v for k, v in values.items() if v not in (None, "")})
        self.label = label

    @classmethod
    def of(cls, label: str, values: dict) -> Fields:
        """From values already known to be non-empty (no second pass over them)."""
        fields = cls.__new__(cls)
        dict.update(fields, values)
        fields.label = label
        return fields


def collapse(value: str) -> str:
    """One line: CR, LF, tabs and runs of spaces become single spaces."""
    return " ".join(str(value).split())


def first_name(full: str | None) -> str | None:
    return full.split()[0] if full and full.split() else None


@_speedups.remember  # a batch has few distinct dates (a speed trick, docs/performance.md)
def when_words(day: dt.date, today: dt.date) -> str:
    """How a person says a nearby date: ``today``, ``yesterday``, ``on Tuesday``."""
    delta = (today - day).days
    if delta == 0:
        return "today"
    if delta == 1:
        return "yesterday"
    if delta == -1:
        return "tomorrow"
    if 1 < delta < 7:
        return f"on {DAY_NAMES[day.weekday()]}"
    if -7 < delta < -1:
        return f"on {DAY_NAMES[day.weekday()]}"
    return f"on {DAY_NAMES[day.weekday()]} {day.day} {MONTH_NAMES[day.month - 1]}"


@_speedups.remember_last  # the same profile for every row of a batch: derived once (a speed trick)
def profile_values(profile: dict) -> Fields:
    """The profile as templates see it: one-line values, the first name, the phone
    spoken, a callback window. Read-only for templates (the sandbox is immutable)."""
    me = {k: collapse(v) for k, v in profile.items() if isinstance(v, str) and v.strip()}
    if "name" in me:
        me["first_name"] = first_name(me["name"])
    if "phone" in me:
        me["phone_spoken"] = speak_phone(me["phone"])
    me.setdefault("callback_window", "any weekday")
    return Fields.of("profile", me)


def build_context(plan: Plan, profile: dict, contact: dict, today: dt.date) -> dict:
    """The variables every template may use (docs/templates.md lists them). ``today`` is
    the day the message is read (``compose.scriptwriter.reading_day``): every ``*_words``
    counts from it, and templates see it as ``today``."""
    them = {k: collapse(v) for k, v in contact.items() if isinstance(v, str) and v.strip()}
    if "name" in them:
        them["first_name"] = first_name(them["name"])
    scheduled = None
    agreed_day = plan.agreed.date() if isinstance(plan.agreed, dt.datetime) else plan.agreed
    agreed_time = f"{plan.agreed_time:%H:%M}" if plan.agreed_time else ""
    if agreed_day:  # the agreed call of a scheduled or missed call
        scheduled = human_date(agreed_day) + (f" at {agreed_time}" if agreed_time else "")
    elif plan.due:
        scheduled = human_date(plan.due) + (f" at {plan.due_time:%H:%M}" if plan.due_time else "")
    return {
        "me": profile_values(profile),
        "contact": Fields.of("contact", them),
        "situation": plan.situation.value,
        "stage": plan.stage.value,
        "attempt": plan.attempt or 0,
        "variant": plan.variant,
        "due": plan.due,
        "due_words": when_words(plan.due, today) if plan.due else "",
        "scheduled_for": scheduled,
        "agreed_time": agreed_time,
        "agreed_words": when_words(agreed_day, today) if agreed_day else "",
        "last_contact": plan.last_contact,
        "last_contact_words": when_words(plan.last_contact, today),
        "today": today,
    }


def transform_values(context: dict, transform: Callable[[str], str]) -> dict:
    """The context with every supplied string (profile, contact) transformed."""
    out = dict(context)
    for key in ("me", "contact"):
        fields = context[key]
        out[key] = Fields(fields.label, {k: transform(v) for k, v in fields.items()})
    return out
