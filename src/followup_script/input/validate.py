"""Checking what a person typed: one function per kind of value, one date parser.

Every check returns the value tidied (or parsed) and raises
:class:`~followup_script.errors.InputError` naming the value by its ``field``
(``"phone"``, ``"from_phone"``, ``"next"``), with what was given and how to fix
it. A check never says where the value came from: the front end that asked for
it words the field (``--next`` on the command line, the column ``next`` in an
import file, the question in the wizard).

Dates: :func:`parse_date` reads ``YYYY-MM-DD``, ``today`` and ``yesterday``;
:func:`parse_datetime` also reads ``YYYY-MM-DD HH:MM`` (or with ``T``, any
ISO 8601 time; seconds and a UTC offset are dropped) and ``tomorrow``. Both refuse
a year before 2000 or after 2100 (:data:`YEARS`): a typo, never a follow-up (and
the calendar would overflow past year 9999). What a date must be next to another
is checked here too, for every front end alike: :func:`check_happened` (a touch is
not after today), :func:`check_agreed` (an agreed call is not before the touch
that agreed it) and :func:`stale_doubt` (a last contact over :data:`STALE_DAYS`
days ago is accepted, with a :class:`Doubt` to say: is the year right?).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from followup_script.engine.grammar import choice_fix
from followup_script.engine.stages import moment_words
from followup_script.errors import InputError

__all__ = [
    "STALE_DAYS", "VIAS", "YEARS", "Doubt", "check_agreed", "check_call_window", "check_email",
    "check_happened", "check_name", "check_phone", "check_timezone", "check_via", "check_year",
    "parse_attempts", "parse_date", "parse_datetime", "stale_doubt",
]

#: How a touch happened (the tracker's ``via`` column); ``application``: an application or
#: resume you sent (with no outcome given, ``no-commitment``: check in three days later).
VIAS = ("call", "meeting", "voicemail", "email", "sms", "application")
#: Words people use for a via, for the did-you-mean of a refused one (never taken as given).
VIA_WORDS = {"phone": "call", "phone call": "call", "phone screen": "call", "text": "sms",
             "text message": "sms", "texted": "sms", "vm": "voicemail", "voice mail": "voicemail",
             "message": "voicemail", "mail": "email", "in person": "meeting", "interview": "meeting",
             "video": "meeting", "zoom": "meeting", "resume": "application", "cv": "application"}

EMAIL = re.compile(r"^[^@\s<>\"',;]+@[^@\s<>\"',;]+\.[^@\s<>\"',;]+$")
_WINDOW = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")


# -- people and how to reach them ---------------------------------------------------------


_EXTENSION = re.compile(r"[\s,;]*(?:ext\.?|extension|x|#)\s*\d{1,6}$", re.IGNORECASE)


def check_phone(value: str, field: str = "phone") -> str:
    """A phone number with 7 to 15 digits, and maybe an extension (``ext. 204``, ``x204``);
    returns it tidied (single spaces)."""
    value = " ".join(str(value).split())
    number = _EXTENSION.sub("", value)  # an extension ("ext. 204") is said, not dialled
    digits = re.sub(r"\D", "", number)
    if not re.fullmatch(r"\+?[\d\s().\-/]+", number) or not 7 <= len(digits) <= 15:
        raise InputError("is not a phone number", field=field, value=value,
                         fix="use digits, e.g. '+1 555 123 4567'")
    return value


def check_email(value: str, field: str = "email") -> str:
    """An address as typed; an internationalised domain (``dana@acmé.example``) is kept as
    typed and must be one IDNA can write (``xn--acm-dma.example``), as email sends it."""
    value = str(value).strip()
    if not EMAIL.match(value):
        raise InputError("is not an email address", field=field, value=value,
                         fix="use e.g. 'ana@example.com'")
    domain = value.rpartition("@")[2]
    if not domain.isascii():
        try:
            domain.encode("idna")
        except UnicodeError:
            raise InputError("has a domain that email cannot carry (it has no IDNA form)",
                             field=field, value=value,
                             fix="check the part after the @ (each part at most 63 letters)") from None
    return value


def check_name(value: str, field: str = "name") -> str:
    """A name of 1 to 200 characters; returns it with single spaces."""
    cleaned = " ".join(str(value).split())
    if not cleaned:
        raise InputError("is empty", field=field, value=str(value), fix="give a name")
    if len(cleaned) > 200:
        # the problem shows the value cut short: name 'Abcdefghijklmnopqrst'... is 300 characters
        raise InputError(f"{cleaned[:20]!r}... is {len(cleaned)} characters", field=field,
                         fix="keep it under 200")
    return cleaned


def check_timezone(value: str, field: str = "timezone") -> str:
    """An IANA time zone name such as ``Europe/Lisbon``."""
    from followup_script.engine.zones import check_zone  # names the zone meant: did you mean ...?

    check_zone(value, field)
    return value.strip()


def check_region(value: str, field: str = "region") -> str:
    """A country as an ISO 3166 code (``GB``), one phone numbers are known for; returns it
    in capitals."""
    text = str(value).strip().upper()
    import phonenumbers  # only when a region is checked

    if not phonenumbers.country_code_for_region(text):
        fix = "use GB, the ISO code of the United Kingdom" if text == "UK" else \
            "use a two-letter ISO code such as US, GB, DE or BR"
        raise InputError("is not a country code", field=field, value=value, fix=fix)
    return text


def check_call_window(value: str, field: str = "call_window") -> str:
    """``HH:MM-HH:MM``, the start before the end; returns it as ``09:30-11:00``."""
    match = _WINDOW.match(value)
    bad = InputError("is not a time range", field=field, value=value,
                     fix="use HH:MM-HH:MM, e.g. 09:30-11:00")
    if not match:
        raise bad
    h1, m1, h2, m2 = (int(g) for g in match.groups())
    if h1 > 23 or h2 > 23 or m1 > 59 or m2 > 59 or (h1, m1) >= (h2, m2):
        raise bad
    return f"{h1:02d}:{m1:02d}-{h2:02d}:{m2:02d}"


def check_via(value: str | None, field: str = "via") -> str:
    """How a touch happened, one of :data:`VIAS`; nothing given means a call."""
    text = (value or "call").strip().lower()
    if text not in VIAS:
        meant = VIA_WORDS.get(" ".join(text.split()))
        fix = f"did you mean {meant}? (one of: {', '.join(VIAS)})" if meant else choice_fix(str(value), VIAS)
        raise InputError("is not known", field=field, value=value, fix=fix)
    return text


# -- numbers and dates -------------------------------------------------------------------------


def parse_attempts(value, field: str = "attempts") -> int:
    """A whole number of 0 or more; nothing given means 0."""
    if value is None or value == "":
        return 0
    if isinstance(value, bool):
        raise InputError("is not a whole number", field=field, value=value, fix="use 0 or more")
    try:
        number = int(str(value).strip())
    except ValueError:
        raise InputError("is not a whole number", field=field, value=value, fix="use 0 or more") from None
    if number < 0:
        raise InputError("is negative", field=field, value=number, fix="use 0 or more")
    return number


#: The first and last year a date may have: outside them it is a typo (``0026``, ``9999``).
YEARS = (2000, 2100)
#: A last contact longer ago than this many days is accepted with a warning (the year?).
STALE_DAYS = 180
_DATE_FIX = "use YYYY-MM-DD (e.g. 2026-11-20), today or yesterday"


def check_year(day: dt.date, field: str, value=None) -> dt.date:
    """``day`` if its year is within :data:`YEARS`; ``value`` is what was typed (shown)."""
    if not YEARS[0] <= day.year <= YEARS[1]:
        shown = value if value is not None else day.isoformat()
        raise InputError(f"is outside the years {YEARS[0]} to {YEARS[1]}", field=field, value=shown,
                         fix="check the year")
    return day


def parse_date(value, field: str, today: dt.date | None = None) -> dt.date | None:
    """``YYYY-MM-DD``, ``today`` or ``yesterday`` (relative to ``today``), in the years
    :data:`YEARS`; None stays None."""
    if value is None:
        return None
    text = str(value).strip().lower()
    if text == "today":
        day = today or dt.date.today()
    elif text == "yesterday":
        day = (today or dt.date.today()) - dt.timedelta(days=1)
    else:
        try:
            day = dt.date.fromisoformat(text)
        except ValueError:
            raise InputError("is not a date", field=field, value=value, fix=_DATE_FIX) from None
    return check_year(day, field, value)


def parse_datetime(value, field: str, today: dt.date | None = None) -> dt.date | dt.datetime | None:
    """``YYYY-MM-DD HH:MM`` (or ``T``) gives a datetime to the minute; a bare date, ``today``,
    ``yesterday`` or ``tomorrow`` stays a date; in the years :data:`YEARS`; None stays None."""
    if value is None:
        return None
    text = " ".join(str(value).split())
    if text.lower() == "tomorrow":
        return check_year((today or dt.date.today()) + dt.timedelta(days=1), field, value)
    if len(text) <= 10 or text.lower() in ("today", "yesterday"):
        return parse_date(text, field, today)
    try:
        moment = dt.datetime.fromisoformat(text.replace(" ", "T", 1))
    except ValueError:
        raise InputError("is not a date and time", field=field, value=value,
                         fix="use 'YYYY-MM-DD HH:MM' (e.g. '2026-11-26 10:30')") from None
    check_year(moment.date(), field, value)
    return moment.replace(tzinfo=None, second=0, microsecond=0)


# -- dates next to each other ------------------------------------------------------------------


def _day(moment: dt.date | dt.datetime) -> dt.date:
    return moment.date() if isinstance(moment, dt.datetime) else moment


def check_happened(day: dt.date, field: str, today: dt.date,
                   fix: str = "give the day it happened, today or before") -> dt.date:
    """``day`` if it is not after ``today``: a touch, a last contact, has happened."""
    if day > today:
        raise InputError(f"is after today ({today})", field=field, value=day.isoformat(), fix=fix)
    return day


def check_agreed(moment: dt.date | dt.datetime, field: str, touch: dt.date, what: str = "the touch",
                 fix: str = "give the day (and time) you agreed on"):
    """``moment`` (an agreed call: a day, or a day and time) if it is not before the day
    of ``what`` agreed it (``touch``)."""
    if _day(moment) < touch:
        raise InputError(f"is before {what} on {touch}", field=field, value=moment_words(moment), fix=fix)
    return moment


@dataclass(frozen=True)
class Doubt:
    """A value that is accepted but looks wrong: a front end says it as a warning,
    naming the field its own way (as it words an :class:`InputError`)."""

    problem: str
    field: str
    value: object = None

    def sentence(self, label: str | None = None) -> str:
        return InputError(self.problem, field=self.field, value=self.value).sentence(label)


def stale_doubt(day: dt.date, field: str, today: dt.date) -> Doubt | None:
    """A :class:`Doubt` when ``day`` is over :data:`STALE_DAYS` days before ``today``
    (``2025-11-20`` for ``2026-11-20``: a wrong year gives a plan a year overdue)."""
    days = (today - day).days
    if days <= STALE_DAYS:
        return None
    return Doubt(f"is {days} days before today ({today}): is the year right?", field, day.isoformat())
