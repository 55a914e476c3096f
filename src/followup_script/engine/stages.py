"""The decision: what happened in, a :class:`Plan` (stage, due, reason) out.

This module is pure: no I/O and no clock reads. ``today`` is always passed in,
so every answer is reproducible. It is the single place that decides the stage;
the command line, the tracker and the wizard all call :func:`plan` (and
:func:`simulate` for the weeks ahead).

The method (see docs/method.md):

=================  =========================  ====================================
deciding outcome   next stage                 due
=================  =========================  ====================================
``scheduled``      ``scheduled-call``         the agreed day (and time, if one was set)
                   ``missed-call``            once that day has passed: the day after
``no-time``        ``ask-for-time``           the day of the conversation
``no-commitment``  ``three-day-check``        that touch + 3 days
``no-answer``      ``weekly-nudge``           last touch + 7 days, no cap
``replied``        ``done``                   never
``stop``           ``stopped``                never, on any channel
=================  =========================  ====================================

A scheduled call's plan also says when to write: the confirmation is due the day
the time was agreed (``Plan.confirm_on``; an email channel words it for that day),
and an optional reminder the weekday before the call (``Plan.remind_on``, when
that is after the agreement).

Commitments are state: the deciding outcome is that of the last conversation
while an agreed call is still open (a one-way touch before the agreed day,
such as the confirmation you sent, leaves it open; see
:mod:`followup_script.tracker.history`), else that of the last touch. An
agreed day that passed with nothing logged is a missed call: apologise, then
the weekly rhythm. ``scheduled_for`` may be a day without a time ("call me on
Tuesday"): due that day, never before.

``no-time`` and ``no-commitment`` with one or more attempts already made become
``weekly-nudge`` too. Computed due dates (three-day-check, weekly-nudge,
missed-call) that land on a Saturday or Sunday move to the next Monday unless
``business_days`` is false; an agreed day and the same-day ask are kept as they
are.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from typing import NamedTuple, TypeVar, cast

# The help text for each value lives in a plain-string module, so the command line
# can show it without importing this one; keys are the enum values, so both
# ``OUTCOME_HELP["stop"]`` and ``OUTCOME_HELP[Outcome.STOP]`` work (a test keeps
# the keys equal to the values).
from followup_script.engine.vocabulary import OUTCOME_HELP, SITUATION_HELP  # noqa: F401 (re-exported)
from followup_script.errors import InputError


class Stage(StrEnum):
    SCHEDULED_CALL = "scheduled-call"
    MISSED_CALL = "missed-call"
    ASK_FOR_TIME = "ask-for-time"
    THREE_DAY_CHECK = "three-day-check"
    WEEKLY_NUDGE = "weekly-nudge"
    DONE = "done"
    STOPPED = "stopped"

    @property
    def active(self) -> bool:
        """True for the stages that produce a script."""
        return self not in (Stage.DONE, Stage.STOPPED)


class Outcome(StrEnum):
    SCHEDULED = "scheduled"
    NO_TIME = "no-time"
    NO_COMMITMENT = "no-commitment"
    NO_ANSWER = "no-answer"
    REPLIED = "replied"
    STOP = "stop"


class Situation(StrEnum):
    APPLICATION = "application"
    INTERVIEW = "interview"
    NETWORKING = "networking"
    INFO = "info"


THREE_DAYS = dt.timedelta(days=3)
ONE_DAY = dt.timedelta(days=1)
#: How to give an agreed time: the same words wherever one is asked for.
AGREED_FIX = "give it as 'YYYY-MM-DD HH:MM', or the day alone (YYYY-MM-DD) when no time was set"
ONE_WEEK = dt.timedelta(days=7)


_E = TypeVar("_E", bound=StrEnum)


def parse_choice(enum: type[_E], value: str | StrEnum, field: str) -> _E:
    """Return ``value`` as a member of ``enum``, or raise an InputError naming ``field``."""
    if isinstance(value, enum):
        return value
    member = _members(enum).get(str(value).strip().lower().replace("_", "-"))
    if member is None:
        from followup_script.engine.grammar import choice_fix

        raise InputError("is not known", field=field, value=value, fix=choice_fix(str(value), [m.value for m in enum]))
    return cast(_E, member)  # a member of enum: _members(enum) holds only those


@cache
def _members(enum: type[StrEnum]) -> dict[str, StrEnum]:
    return {m.value: m for m in enum}


@dataclass(frozen=True)
class History:
    """What happened with one contact, as far as the plan goes: the engine's whole input.

    ``outcome`` is the deciding outcome and ``last_contact`` the date of the touch
    that had it: the last touch, or, while an agreed call is still open, the
    conversation that agreed it (a one-way touch before the agreed day does not
    cancel it). ``scheduled_for`` is the agreed day, with a time (a datetime) or
    without one (a date: "call me on Tuesday"). ``attempts`` counts follow-up
    attempts made since the last real conversation (a last touch with no answer is
    one of them: the tracker and :func:`followup_script.input.values.follow_up_from`
    count it so).
    """

    last_contact: dt.date
    outcome: Outcome
    situation: Situation = Situation.APPLICATION
    scheduled_for: dt.datetime | dt.date | None = None
    attempts: int = 0

    def __post_init__(self) -> None:
        if type(self.outcome) is not Outcome:  # a member given is kept as it is
            object.__setattr__(self, "outcome", parse_choice(Outcome, self.outcome, "outcome"))
        if type(self.situation) is not Situation:
            object.__setattr__(self, "situation", parse_choice(Situation, self.situation, "situation"))
        if isinstance(self.last_contact, dt.datetime):
            object.__setattr__(self, "last_contact", self.last_contact.date())
        if not isinstance(self.last_contact, dt.date):
            raise InputError("is not a date", field="last_contact", value=self.last_contact,
                             fix="use YYYY-MM-DD")
        if isinstance(self.attempts, bool) or not isinstance(self.attempts, int):
            raise InputError("is not a whole number", field="attempts", value=self.attempts,
                             fix="use 0 or more")
        if self.attempts < 0:
            raise InputError("is negative", field="attempts", value=self.attempts, fix="use 0 or more")
        if self.outcome is Outcome.SCHEDULED:
            if self.scheduled_for is None:
                raise InputError("is missing: outcome 'scheduled' needs the agreed time",
                                 field="scheduled_for", fix=AGREED_FIX)
            if _as_date(self.scheduled_for) < self.last_contact:
                raise InputError(f"is before the last contact {self.last_contact}", field="scheduled_for",
                                 value=moment_words(self.scheduled_for), fix="give the date you agreed on")


@dataclass(frozen=True)
class Plan:
    """The engine's answer: which stage, when it is due and why."""

    stage: Stage
    due: dt.date | None
    due_time: dt.time | None
    attempt: int | None
    overdue_days: int
    reason: str
    situation: Situation
    last_contact: dt.date
    #: the agreed day (a date) or day and time (a datetime) of a scheduled or missed call
    agreed: dt.date | dt.datetime | None = None
    #: a scheduled call's confirmation is due the day the time was agreed (not the day of the call)
    confirm_on: dt.date | None = None
    #: and a reminder may go the weekday before the call (None when that is not after the agreement)
    remind_on: dt.date | None = None

    @property
    def active(self) -> bool:
        return self.stage.active

    @property
    def agreed_time(self) -> dt.time | None:
        """The agreed time of a scheduled or missed call; None when only a day was agreed."""
        if isinstance(self.agreed, dt.datetime):
            return self.agreed.time().replace(second=0, microsecond=0)
        return None

    @property
    def variant(self) -> int:
        """A stable number that lets weekly nudges vary their wording by week."""
        return 0 if not self.attempt else (self.attempt - 1) % 4

    def to_dict(self) -> dict:
        return {
            "stage": str(self.stage),  # a StrEnum's str() is its value (.value is a slower property)
            "due": self.due.isoformat() if self.due else None,
            "due_time": self.due_time.strftime("%H:%M") if self.due_time else None,
            "attempt": self.attempt,
            "overdue_days": self.overdue_days,
            "reason": self.reason,
            "situation": str(self.situation),
            "last_contact": self.last_contact.isoformat(),
            "agreed": moment_words(self.agreed) if self.agreed is not None else None,
            "confirm_on": self.confirm_on.isoformat() if self.confirm_on else None,
            "remind_on": self.remind_on.isoformat() if self.remind_on else None,
        }


def _as_date(value: dt.date | dt.datetime) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value


def moment_words(value: dt.date | dt.datetime) -> str:
    """``2026-11-27 10:30`` for an agreed time, ``2026-11-27`` for a day."""
    return value.strftime("%Y-%m-%d %H:%M") if isinstance(value, dt.datetime) else value.isoformat()


def later(day: dt.date, delta: dt.timedelta) -> dt.date:
    """``day + delta``, stopping at the last date there is (a tracker file written
    before dates were limited may hold one near year 9999; planning must not crash)."""
    try:
        return day + delta
    except OverflowError:
        return dt.date.max


def day_before(day: dt.date) -> dt.date:
    """The weekday before ``day``: a Monday's is the Friday before."""
    if day <= dt.date.min + ONE_WEEK:  # the first dates there are: no weekday before to speak of
        return dt.date.min
    before = day - ONE_DAY
    while before.weekday() >= 5:
        before -= ONE_DAY
    return before


def next_business_day(day: dt.date) -> dt.date:
    """Saturday and Sunday move to the following Monday; other days stay."""
    weekday = day.weekday()
    if weekday >= 5:
        return later(day, dt.timedelta(days=7 - weekday))
    return day


DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")


def human_date(day: dt.date) -> str:
    """``Wednesday 25 November 2026``: unambiguous, and English whatever the locale."""
    return f"{DAY_NAMES[day.weekday()]} {day.day} {MONTH_NAMES[day.month - 1]} {day.year}"


def overdue_words(days: int) -> str:
    """``1 day overdue``, ``2 days overdue``: the one wording of lateness, for every front end
    (``followup_script.present`` shows it; the engine's own reason says it too)."""
    return f"{days} day{'s' if days != 1 else ''} overdue"


def _shift(day: dt.date, business_days: bool) -> tuple[dt.date, str]:
    """A computed due day, moved to the Monday when it falls on a weekend (``business_days``),
    and the words saying so."""
    if business_days and day.weekday() >= 5:
        moved = next_business_day(day)
        return moved, f" ({human_date(day)} falls on a weekend, so it moves to the Monday)"
    return day, ""


def plan(history: History, today: dt.date, business_days: bool = True) -> Plan:
    """Pick the follow-up stage for ``history`` as seen on ``today``."""
    outcome = history.outcome
    last = history.last_contact
    when = human_date(last)
    due_time = None

    if outcome is Outcome.STOP:
        return Plan(
            Stage.STOPPED, None, None, None, 0,
            f"They asked not to be contacted on {when}; nothing more is sent on any channel.",
            history.situation, last,
        )
    if outcome is Outcome.REPLIED:
        return Plan(
            Stage.DONE, None, None, None, 0,
            f"They got back to you on {when}; no follow-up is needed.",
            history.situation, last,
        )

    made = history.attempts
    attempt = made + 1
    agreed = confirm_on = remind_on = None
    if outcome is Outcome.SCHEDULED:
        # History refuses a scheduled outcome with no scheduled_for
        agreed = cast(dt.date | dt.datetime, history.scheduled_for)
        day = _as_date(agreed)
        at = f" at {agreed:%H:%M}" if isinstance(agreed, dt.datetime) else ""
        if today <= day:
            stage, due = Stage.SCHEDULED_CALL, day
            if isinstance(agreed, dt.datetime):  # at is said
                due_time = agreed.time().replace(second=0, microsecond=0)
                reason = (f"On {when} you agreed to talk again on {human_date(due)}{at}; "
                          "call then, as agreed.")
            else:
                reason = (f"On {when} you agreed to talk again on {human_date(due)}, with no time "
                          "set; call that day, as agreed.")
            confirm_on, remind_on = last, day_before(day)
            if remind_on <= last:
                remind_on = None
            reason += (f" Confirm it in writing the day it was agreed ({when})"
                       + (f", and send a reminder on {human_date(remind_on)} if you like." if remind_on else "."))
        else:
            stage = Stage.MISSED_CALL
            due, moved = _shift(later(day, ONE_DAY), business_days)
            reason = (
                f"On {when} you agreed to talk on {human_date(day)}{at}, and nothing was logged "
                f"since; say sorry you missed each other and ask for a new time, on "
                f"{human_date(due)}{moved}, then nudge once a week."
            )
    elif outcome is Outcome.NO_TIME and made == 0:
        stage, due = Stage.ASK_FOR_TIME, last
        reason = (
            f"On {when} they could not name a time; ask when would be a good "
            "time or day, that same day."
        )
    elif outcome is Outcome.NO_COMMITMENT and made == 0:
        stage = Stage.THREE_DAY_CHECK
        due, moved = _shift(later(last, THREE_DAYS), business_days)
        reason = (
            f"Nothing was committed on {when}; check in 3 days later, "
            f"on {human_date(due)}{moved}."
        )
    else:
        stage = Stage.WEEKLY_NUDGE
        due, moved = _shift(later(last, ONE_WEEK), business_days)
        what = "your last follow-up" if outcome is Outcome.NO_ANSWER else "your last contact"
        reason = (
            f"No reply since {what} on {when}; nudge once a week, next on "
            f"{human_date(due)}{moved}, warmly, until they get back to you."
        )

    overdue = max(0, (today - due).days)
    if overdue:
        reason += f" It is {overdue_words(overdue)}: do it today."
    return Plan(stage, due, due_time, attempt, overdue, reason, history.situation, last, agreed,
                confirm_on, remind_on)


class Step(NamedTuple):
    """One step of :func:`simulate`: the day you act on it, and the engine's plan for it."""

    on: dt.date
    plan: Plan


def simulate(history: History, today: dt.date, weeks: int | None = 8,
             business_days: bool = True) -> Iterator[Step]:
    """The touches to come if nobody replies: the current plan, then weekly nudges.

    An overdue step is done today (its ``on`` is today, its ``plan.due`` the day it
    was due); each later step is planned by :func:`plan` from the no-answer touch
    the step before would leave on the day it was done. The steps are the ones
    within ``weeks`` weeks from ``today``, the day ``weeks`` weeks on not included
    (3 weeks of a weekly rhythm: 3 steps); with ``weeks=None`` they never end (take
    the ones you need). A finished plan (done, stopped) has no steps.
    """
    end = None if weeks is None else later(today, dt.timedelta(weeks=weeks))
    current = plan(history, today, business_days)
    while current.active and current.due is not None:
        day = max(current.due, today)
        if end is not None and (day >= end if end != dt.date.max else day > end):
            return
        yield Step(day, current)
        if day == dt.date.max:
            return  # no later day exists
        history = History(day, Outcome.NO_ANSWER, history.situation, None, current.attempt or 1)
        current = plan(history, today, business_days)
